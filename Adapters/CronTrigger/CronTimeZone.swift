public import CairnTriggers
public import Foundation

/// Parses an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC".
///
/// Accepted: names of the form `Area/Location` that `TimeZone(identifier:)` knows (including `Etc/...`
/// fixed-offset zones and legacy links such as `US/Eastern`), plus `UTC` and `GMT`. Surrounding whitespace
/// is ignored; names are case-sensitive, as in the IANA database.
///
/// Refused, even where `TimeZone` would accept them: abbreviations and other names without a `/` such as
/// `CET`, `EST` or `PST`, and offsets such as `GMT+2`. They are ambiguous or misleading for a schedule:
/// `EST` is a fixed UTC-5 that never observes New York's daylight saving time.
///
/// - Throws: `CronError` with `field == "time zone"` and the name as `value`; the message suggests the
///   zone an abbreviation usually means, the correctly capitalised name, or the `Area/Location` form.
public func cronTimeZone(_ name: String) throws(CronError) -> TimeZone {
    let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
    func refuse(_ message: String) -> CronError {
        CronError(field: "time zone", value: name, message: message)
    }
    let form = "use an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
    guard !trimmed.isEmpty else {
        throw refuse("the time zone name is empty; \(form)")
    }
    if trimmed == "UTC" || trimmed == "GMT" || trimmed.contains("/"), let zone = TimeZone(identifier: trimmed) {
        return zone
    }
    let known = TimeZone.knownTimeZoneIdentifiers
    if let exact = known.first(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame && $0 != trimmed }) {
        throw refuse("unknown time zone; names are case-sensitive: did you mean \"\(exact)\"?")
    }
    if trimmed.uppercased() == "UTC" || trimmed.uppercased() == "GMT" {
        throw refuse("unknown time zone; names are case-sensitive: did you mean \"\(trimmed.uppercased())\"?")
    }
    if !trimmed.contains("/") {
        if let region = TimeZone.abbreviationDictionary[trimmed.uppercased()] {
            throw refuse(
                "\"\(trimmed)\" is an abbreviation, not a zone name, and does not say which daylight saving rules apply; "
                    + "write the region's zone, e.g. \"\(region)\"")
        }
        if trimmed.hasPrefix("GMT") || trimmed.hasPrefix("UTC") || trimmed.hasPrefix("+") || trimmed.hasPrefix("-") {
            throw refuse(
                "UTC offsets are not zone names; write the region's zone, e.g. \"Europe/Berlin\", "
                    + "or a fixed offset as \"Etc/GMT-2\" (POSIX sign: Etc/GMT-2 is UTC+2)")
        }
    }
    throw refuse("unknown time zone; \(form)")
}
