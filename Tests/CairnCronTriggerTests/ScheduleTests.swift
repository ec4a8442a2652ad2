import Foundation
import Testing

@testable import CairnCronTrigger

@Suite("Next fire in UTC")
struct ScheduleTests {
    @Test("the next fire is strictly after the given instant")
    func strictlyAfter() throws {
        #expect(try nextFires("*/15 * * * *", after: "2026-05-04T10:07:00Z", count: 2) == ["2026-05-04T10:15:00Z", "2026-05-04T10:30:00Z"])
        #expect(try nextFires("*/15 * * * *", after: "2026-05-04T10:15:00Z", count: 1) == ["2026-05-04T10:30:00Z"])
        let justBefore = try instant("2026-05-04T10:15:00Z").addingTimeInterval(-0.25)
        #expect(utcString(try CronExpression("*/15 * * * *").next(after: justBefore, in: utc)) == "2026-05-04T10:15:00Z")
    }

    @Test("rolls over hours, days, months and years")
    func rollover() throws {
        #expect(try nextFires("59 23 * * *", after: "2026-12-31T23:59:00Z", count: 1) == ["2027-01-01T23:59:00Z"])
        #expect(try nextFires("0 0 1 1 *", after: "2026-12-31T23:59:59Z", count: 2) == ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"])
        #expect(try nextFires("5 * * * *", after: "2026-02-28T23:30:00Z", count: 2) == ["2026-03-01T00:05:00Z", "2026-03-01T01:05:00Z"])
    }

    @Test("the 31st skips months with fewer days")
    func thirtyFirst() throws {
        let fires = try nextFires("0 0 31 * *", after: "2026-01-31T00:00:00Z", count: 6)
        #expect(
            fires == [
                "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z",
                "2026-10-31T00:00:00Z", "2026-12-31T00:00:00Z",
            ])
    }

    @Test("L fires on the last day of each month, February 29 in leap years")
    func lastDayOfMonth() throws {
        #expect(
            try nextFires("0 12 L * *", after: "2026-01-01T00:00:00Z", count: 4) == [
                "2026-01-31T12:00:00Z", "2026-02-28T12:00:00Z", "2026-03-31T12:00:00Z", "2026-04-30T12:00:00Z",
            ])
        #expect(
            try nextFires("0 12 L 2 *", after: "2023-06-01T00:00:00Z", count: 3) == [
                "2024-02-29T12:00:00Z", "2025-02-28T12:00:00Z", "2026-02-28T12:00:00Z",
            ])
        #expect(
            try nextFires("0 0 1,L * *", after: "2026-04-15T00:00:00Z", count: 3) == [
                "2026-04-30T00:00:00Z", "2026-05-01T00:00:00Z", "2026-05-31T00:00:00Z",
            ])
    }

    @Test("February 29 fires only in leap years, skipping 2100")
    func leapDay() throws {
        #expect(try nextFires("0 0 29 2 *", after: "2025-03-01T00:00:00Z", count: 2) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        #expect(try nextFires("0 0 29 2 *", after: "2096-02-29T00:00:00Z", count: 1) == ["2104-02-29T00:00:00Z"])
    }

    @Test("impossible dates return nil without scanning second by second", arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "* * 31 2 * *"])
    func never(expression: String) throws {
        let cron = try CronExpression(expression)
        let berlin = try zone("Europe/Berlin")
        let start = try instant("2026-01-01T00:00:00Z")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<200 {
                #expect(cron.next(after: start, in: berlin) == nil)
            }
        }
        // A per-second scan of eight years would take minutes per call; a field-by-field search takes microseconds.
        #expect(elapsed < .seconds(10), "200 searches took \(elapsed)")
    }

    @Test("when both day fields are restricted either one matches")
    func dayOr() throws {
        // January 2026: the 2nd, 9th and 16th are Fridays; the 13th is a Tuesday.
        #expect(
            try nextFires("0 0 13 * FRI", after: "2026-01-01T00:00:00Z", count: 4) == [
                "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z",
            ])
        #expect(try nextFires("0 0 13 * *", after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"])
        #expect(try nextFires("0 0 ? * FRI", after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"])
        #expect(
            try nextFires("0 0 L * 1", after: "2026-01-24T00:00:00Z", count: 3) == [
                "2026-01-26T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-02T00:00:00Z",
            ])
    }

    @Test("a day field covering every value beside a *-written field is unrestricted")
    func fullDayField() throws {
        // Odd days only: */1 in day of week is unrestricted.
        #expect(
            try nextFires("0 0 */2 * */1", after: "2026-01-01T00:00:00Z", count: 3) == [
                "2026-01-03T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z",
            ])
        // Sundays, Tuesdays, Thursdays and Saturdays only: 1-31 is unrestricted beside */2.
        #expect(
            try nextFires("0 0 1-31 * */2", after: "2026-01-01T00:00:00Z", count: 3) == [
                "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-06T00:00:00Z",
            ])
        // Every day: 1-31 beside a plain 1 stays restricted, and either matches.
        #expect(try nextFires("0 0 1-31 * 1", after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"])
    }

    @Test("six-field expressions take seconds from the last field")
    func seconds() throws {
        #expect(
            try nextFires("*/20 * * * * */15", after: "2026-01-01T00:00:00Z", count: 5) == [
                "2026-01-01T00:00:15Z", "2026-01-01T00:00:30Z", "2026-01-01T00:00:45Z", "2026-01-01T00:20:00Z", "2026-01-01T00:20:15Z",
            ])
        // 2026-01-02 is a Friday, so the next weekday 09:30:15 after it is Monday the 5th.
        #expect(try nextFires("30 9 * * MON-FRI 15", after: "2026-01-02T09:30:15Z", count: 1) == ["2026-01-05T09:30:15Z"])
        #expect(
            try nextFires("* * * * * *", after: "2026-01-01T23:59:58Z", count: 3) == [
                "2026-01-01T23:59:59Z", "2026-01-02T00:00:00Z", "2026-01-02T00:00:01Z",
            ])
    }

    @Test("aliases fire at their documented times")
    func aliases() throws {
        let start = "2026-01-07T10:20:30Z"  // a Wednesday
        #expect(try nextFires("@hourly", after: start, count: 1) == ["2026-01-07T11:00:00Z"])
        #expect(try nextFires("@daily", after: start, count: 1) == ["2026-01-08T00:00:00Z"])
        #expect(try nextFires("@midnight", after: start, count: 1) == ["2026-01-08T00:00:00Z"])
        #expect(try nextFires("@weekly", after: start, count: 1) == ["2026-01-11T00:00:00Z"])
        #expect(try nextFires("@monthly", after: start, count: 1) == ["2026-02-01T00:00:00Z"])
        #expect(try nextFires("@yearly", after: start, count: 1) == ["2027-01-01T00:00:00Z"])
        #expect(try nextFires("@annually", after: start, count: 1) == ["2027-01-01T00:00:00Z"])
    }

    @Test("instants outside years 1-9999 have no next fire")
    func outOfRangeDates() throws {
        let cron = try CronExpression("* * * * *")
        #expect(cron.next(after: Date(timeIntervalSince1970: .nan), in: utc) == nil)
        #expect(cron.next(after: Date(timeIntervalSince1970: .infinity), in: utc) == nil)
        #expect(cron.next(after: Date(timeIntervalSince1970: 3e11), in: utc) == nil)
        #expect(utcString(cron.next(after: try instant("1969-12-31T23:59:30Z"), in: utc)) == "1970-01-01T00:00:00Z")
    }

    @Test("zones without daylight saving time shift the wall clock by their offset")
    func fixedOffset() throws {
        // 09:00 in Tokyo (UTC+9) is midnight UTC; 09:00 in Kolkata (UTC+5:30) is 03:30 UTC.
        #expect(
            try nextFires("0 9 * * *", after: "2026-06-01T00:00:00Z", in: try zone("Asia/Tokyo"), count: 2) == [
                "2026-06-02T00:00:00Z", "2026-06-03T00:00:00Z",
            ])
        #expect(try nextFires("0 9 * * *", after: "2026-06-01T00:00:00Z", in: try zone("Asia/Kolkata"), count: 1) == ["2026-06-01T03:30:00Z"])
    }
}
