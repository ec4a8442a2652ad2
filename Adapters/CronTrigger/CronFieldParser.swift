public import CairnTriggers

/// The values one field of a cron expression allows, as parsed from its text.
struct ParsedField: Sendable, Hashable {
    /// The field's text as written.
    var text: String
    /// The allowed values (day of week already folds 7 into 0).
    var values = CronValueSet()
    /// Day of month only: `L` was given, so the last day of each month matches.
    var lastDayOfMonth = false

    /// The field is written as `*` or `?`, i.e. leaves the day unrestricted.
    var isWildcard: Bool { text == "*" || text == "?" }
}

/// Parses the text of one field: `*`, `?`, numbers, names, `L`, ranges, steps and lists.
struct CronFieldParser {
    let field: CronField

    func parse(_ text: String) throws(CronError) -> ParsedField {
        var parsed = ParsedField(text: text)
        if text == "?" {
            guard field == .dayOfMonth || field == .dayOfWeek else {
                throw error(text, "? is only allowed in day of month and day of week; write * instead")
            }
            insert(field.fullRange, step: 1, into: &parsed)
            return parsed
        }
        let elements = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for element in elements {
            guard !element.isEmpty else {
                throw error(text, "the list has an empty element; separate values with single commas, e.g. 1,15,30")
            }
            try parseElement(element, into: &parsed)
        }
        return parsed
    }

    private func parseElement(_ element: String, into parsed: inout ParsedField) throws(CronError) {
        let parts = element.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw error(element, "a step is written once, as */n, a-b/n or a/n; \(field.allowed)")
        }
        let base = parts[0]
        let step = try parts.count == 2 ? parseStep(parts[1], element: element) : nil
        if base == "?" {
            throw error(element, "? must stand alone as the whole field; write * to combine with other values")
        }
        if base == "*" {
            insert(field.fullRange, step: step ?? 1, into: &parsed)
            return
        }
        if field == .dayOfMonth && base.uppercased() == "L" {
            guard step == nil else { throw error(element, "L (the last day of the month) cannot take a step") }
            parsed.lastDayOfMonth = true
            return
        }
        let ends = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        switch ends.count {
        case 1:
            let start = try value(ends[0], element: element, isRangeEnd: false)
            let end = step == nil ? start : max(start, field.fullRange.upperBound)
            insert(start...end, step: step ?? 1, into: &parsed)
        case 2 where !ends[0].isEmpty && !ends[1].isEmpty:
            let low = try value(ends[0], element: element, isRangeEnd: false)
            let high = try value(ends[1], element: element, isRangeEnd: true)
            guard low <= high else {
                throw error(element, "the range \(base) is reversed; write the smaller value first, \(reversedHint(low, high))")
            }
            insert(low...high, step: step ?? 1, into: &parsed)
        default:
            throw error(element, "a range is two values joined by one -, e.g. 1-5 (negative numbers are not allowed); \(field.allowed)")
        }
    }

    private func parseStep(_ text: String, element: String) throws(CronError) -> Int {
        guard let step = Self.number(text) else {
            throw error(element, "the step \"\(text)\" is not a whole number; write e.g. */5")
        }
        guard step >= 1 else {
            throw error(element, "the step is 0; a step must be 1 or more, e.g. */5")
        }
        return step
    }

    /// A number or name, checked against the field's bounds. At the end of a range, day of week
    /// reads SUN as 7 (so FRI-SUN works) and day of month reads L as 31.
    private func value(_ text: String, element: String, isRangeEnd: Bool) throws(CronError) -> Int {
        let upper = text.uppercased()
        if let number = Self.number(text) {
            guard field.bounds.contains(number) else {
                let range = "\(field.bounds.lowerBound)-\(field.bounds.upperBound)"
                throw error(element, "\(text) is out of range; \(field.name) allows \(range)")
            }
            return number
        }
        if let named = field.names[upper] {
            return isRangeEnd && field == .dayOfWeek && named == 0 ? 7 : named
        }
        if isRangeEnd && field == .dayOfMonth && upper == "L" {
            return 31
        }
        throw error(element, "\"\(text)\" is not a number\(field.names.isEmpty ? "" : " or a name"); \(field.allowed)")
    }

    private func reversedHint(_ low: Int, _ high: Int) -> String {
        if field == .dayOfWeek && high == 0 {
            return "e.g. \(low)-7 (7 is Sunday)"
        }
        let bounds = field.bounds
        return "e.g. \(high)-\(low), or wrap around with a list: \(low)-\(bounds.upperBound),\(bounds.lowerBound)-\(high)"
    }

    private func insert(_ range: ClosedRange<Int>, step: Int, into parsed: inout ParsedField) {
        // Every range is narrower than 64, so a larger step selects only the start, as `step` would.
        for value in stride(from: range.lowerBound, through: range.upperBound, by: min(step, 64)) {
            parsed.values.insert(field == .dayOfWeek && value == 7 ? 0 : value)
        }
    }

    private func error(_ value: String, _ message: String) -> CronError {
        CronError(field: field.name, value: value, message: message)
    }

    /// A plain decimal number of ASCII digits (no sign), or nil; too many digits read as `Int.max`.
    static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text) ?? Int.max
    }
}
