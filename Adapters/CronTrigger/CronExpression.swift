public import CairnTriggers

/// A parsed cron schedule, such as `*/15 * * * *`, `0 9 * * MON-FRI` or `@daily`.
///
/// ## Syntax
/// Five fields `minute hour day-of-month month day-of-week`, or six with seconds LAST
/// (`minute hour day-of-month month day-of-week second`, the convention of Python's croniter),
/// separated by spaces or tabs. Each field is `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or
/// `a/n` (from `a` to the field's end), or a comma list of these. Months accept `JAN`-`DEC`, days of week
/// `SUN`-`SAT` (case-insensitive); day of week takes 0-7, where 0 and 7 are Sunday, and a range may end in
/// `SUN` (`FRI-SUN`). `?` means `*` in the two day fields. `L` in day of month is the last day of the month
/// (`L`, `1,L`, `15-L`). Aliases: `@yearly`/`@annually` (`0 0 1 1 *`), `@monthly` (`0 0 1 * *`),
/// `@weekly` (`0 0 * * 0`), `@daily`/`@midnight` (`0 0 * * *`), `@hourly` (`0 * * * *`). `@reboot` is refused:
/// it names an event, not a time. Five-field expressions fire at second 0.
///
/// ## Day of month and day of week
/// When both day fields are restricted, a day matches if EITHER matches (`0 0 13 * FRI` fires on every 13th
/// and on every Friday); when one is unrestricted only the other one counts. A day field is unrestricted when it
/// is `*` or `?`, or when it lists every possible value while the other day field is written with a `*`
/// (e.g. `1-31` beside `*/2`). This is Vixie cron's rule as croniter applies it; it differs from Vixie cron
/// only for a field such as `*/2`, which Vixie treats as unrestricted and croniter (and this type) does not.
///
/// ## Time zones and daylight saving time
/// Fields match the local wall-clock time in the zone passed to `next(after:in:)`. Around a clock change:
/// - A local time that does not exist (skipped by a spring-forward gap) fires once, at the first instant
///   after the gap: in Europe/Berlin on 2026-03-29, `30 2 * * *` fires at 03:00 CEST. All matches inside
///   one gap collapse into that single fire.
/// - A local time that occurs twice (a fall-back overlap) fires in both passes only when the hour field starts
///   with `*` (`*` or `*/n`, so `*/15 * * * *` keeps firing every 15 minutes of real time);
///   every other expression fires only in the first pass, so a daily `30 1 * * *` runs once
///   (Vixie cron's rule).
/// Zone offsets and transitions come from `TimeZone`.
///
/// ## Bounds
/// Searches look at most `searchHorizonYears` years ahead, which covers the longest gap any satisfiable
/// expression can have (February 29 across a skipped leap year, e.g. 2096 to 2104), so `nil` means the
/// expression never fires, e.g. `0 0 30 2 *`. Searches jump field by field and never step second by second.
///
/// Two expressions are equal when their text is equal (so `@daily` differs from `0 0 * * *`).
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression exactly as given to `init(_:)`.
    public let text: String
    let seconds: CronValueSet
    let minutes: CronValueSet
    let hours: CronValueSet
    let daysOfMonth: CronValueSet
    let months: CronValueSet
    let daysOfWeek: CronValueSet
    let lastDayOfMonth: Bool
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// The hour field is written with `*` (`*` or `*/n`): fall-back overlaps fire in both passes.
    let hourIsWildcard: Bool

    /// How far ahead `next(after:in:)` looks before concluding that the expression never fires.
    public static let searchHorizonYears = 8

    static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses a five-field or six-field (seconds last) expression, or an alias such as `@daily`.
    ///
    /// - Throws: `CronError` naming the field ("minute", "hour", "day of month", "month", "day of week",
    ///   "second") and the offending text for a bad value, range, step or name; `field == "expression"`
    ///   for an empty text, a wrong number of fields, an unknown alias or `@reboot`.
    public init(_ text: String) throws(CronError) {
        self.text = text
        let fields = try Self.fieldTexts(of: text)
        let minute = try CronFieldParser(field: .minute).parse(fields[0])
        let hour = try CronFieldParser(field: .hour).parse(fields[1])
        let dayOfMonth = try CronFieldParser(field: .dayOfMonth).parse(fields[2])
        let month = try CronFieldParser(field: .month).parse(fields[3])
        let dayOfWeek = try CronFieldParser(field: .dayOfWeek).parse(fields[4])
        let second = try fields.count == 6 ? CronFieldParser(field: .second).parse(fields[5]) : CronFieldParser(field: .second).parse("0")
        seconds = second.values
        minutes = minute.values
        hours = hour.values
        daysOfMonth = dayOfMonth.values
        months = month.values
        daysOfWeek = dayOfWeek.values
        lastDayOfMonth = dayOfMonth.lastDayOfMonth
        let domCoversAll = !dayOfMonth.lastDayOfMonth && dayOfMonth.values.containsAll(CronField.dayOfMonth.fullRange)
        let dowCoversAll = dayOfWeek.values.containsAll(CronField.dayOfWeek.fullRange)
        dayOfMonthRestricted = !dayOfMonth.isWildcard && !(domCoversAll && dayOfWeek.text.contains("*"))
        dayOfWeekRestricted = !dayOfWeek.isWildcard && !(dowCoversAll && dayOfMonth.text.contains("*"))
        hourIsWildcard = hour.text.hasPrefix("*")
    }

    /// The expression exactly as given (same as `text`).
    public var description: String { text }

    /// Splits the text into 5 or 6 field texts, expanding an alias first.
    private static func fieldTexts(of text: String) throws(CronError) -> [String] {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.count == 1, let word = words.first, word.hasPrefix("@") {
            if word.lowercased() == "@reboot" {
                throw CronError(
                    field: "expression", value: text,
                    message: "@reboot runs at startup, which is an event, not a schedule; use a time such as @daily or \"0 * * * *\"")
            }
            guard let expansion = aliases[word.lowercased()] else {
                throw CronError(
                    field: "expression", value: text,
                    message: "unknown alias; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            return expansion.split(separator: " ").map(String.init)
        }
        guard words.count == 5 || words.count == 6 else {
            let found = words.isEmpty ? "no fields" : "\(words.count) field\(words.count == 1 ? "" : "s")"
            throw CronError(
                field: "expression", value: text,
                message: "found \(found); write 5 fields \"minute hour day-of-month month day-of-week\", "
                    + "6 with seconds last \"minute hour day-of-month month day-of-week second\", or an alias such as @daily")
        }
        return words
    }

    /// Whether the day matches the two day fields (with the either-or rule when both are restricted).
    func dayMatches(year: Int, month: Int, day: Int) -> Bool {
        let byMonthDay = daysOfMonth.contains(day) || (lastDayOfMonth && day == CivilTime.daysInMonth(year: year, month: month))
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true):
            return byMonthDay || daysOfWeek.contains(CivilTime.weekday(year: year, month: month, day: day))
        case (true, false):
            return byMonthDay
        case (false, true):
            return daysOfWeek.contains(CivilTime.weekday(year: year, month: month, day: day))
        case (false, false):
            return true
        }
    }
}
