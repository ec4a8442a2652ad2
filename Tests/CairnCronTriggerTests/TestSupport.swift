import Foundation
import Testing

@testable import CairnCronTrigger

/// Parses an ISO 8601 timestamp with an explicit offset, e.g. "2026-03-29T03:00:00+02:00" or "...Z".
func instant(_ text: String) throws -> Date {
    try Date(text, strategy: .iso8601)
}

/// Formats as UTC ISO 8601 ("2026-03-29T01:00:00Z") so failures read as dates.
func utcString(_ date: Date?) -> String? {
    date.map { $0.formatted(.iso8601) }
}

func zone(_ identifier: String) throws -> TimeZone {
    try #require(TimeZone(identifier: identifier), "time zone \(identifier) is missing from this system's data")
}

let utc = TimeZone.gmt

/// The next `count` fires after `start`, as UTC strings.
func nextFires(_ expression: String, after start: String, in timeZone: TimeZone = utc, count: Int) throws -> [String] {
    let cron = try CronExpression(expression)
    var fires: [String] = []
    var cursor = try instant(start)
    for _ in 0..<count {
        guard let fire = cron.next(after: cursor, in: timeZone) else { break }
        fires.append(fire.formatted(.iso8601))
        cursor = fire
    }
    return fires
}

/// The members of a value set within `range`, ascending.
func members(_ set: CronValueSet, _ range: ClosedRange<Int>) -> [Int] {
    range.filter { set.contains($0) }
}
