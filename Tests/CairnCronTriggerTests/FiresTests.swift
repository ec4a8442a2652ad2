import Foundation
import Testing

@testable import CairnCronTrigger

@Suite("Fires in an interval")
struct FiresTests {
    @Test("a 3-hour downtime of an every-15-minutes schedule missed 12 fires")
    func downtime() throws {
        let cron = try CronExpression("*/15 * * * *")
        let fires = cron.fires(after: try instant("2026-05-04T09:00:00Z"), through: try instant("2026-05-04T12:00:00Z"), in: utc, limit: 100)
        #expect(fires.count == 12)
        #expect(utcString(fires.first) == "2026-05-04T09:15:00Z")
        #expect(utcString(fires.last) == "2026-05-04T12:00:00Z")
        #expect(zip(fires, fires.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 900 })
    }

    @Test("the limit keeps the oldest fires")
    func limit() throws {
        let cron = try CronExpression("*/15 * * * *")
        let fires = cron.fires(after: try instant("2026-05-04T09:00:00Z"), through: try instant("2026-05-04T12:00:00Z"), in: utc, limit: 5)
        #expect(
            fires.map { $0.formatted(.iso8601) } == [
                "2026-05-04T09:15:00Z", "2026-05-04T09:30:00Z", "2026-05-04T09:45:00Z", "2026-05-04T10:00:00Z", "2026-05-04T10:15:00Z",
            ])
    }

    @Test("the interval excludes its start and includes its end")
    func bounds() throws {
        let cron = try CronExpression("0 * * * *")
        let fires = cron.fires(after: try instant("2026-05-04T09:00:00Z"), through: try instant("2026-05-04T11:00:00Z"), in: utc, limit: 10)
        #expect(fires.map { $0.formatted(.iso8601) } == ["2026-05-04T10:00:00Z", "2026-05-04T11:00:00Z"])
    }

    @Test("empty results: zero limit, empty interval, no fire in range, never-firing expression")
    func empty() throws {
        let start = try instant("2026-05-04T09:00:00Z")
        let end = try instant("2026-05-04T12:00:00Z")
        #expect(try CronExpression("* * * * *").fires(after: start, through: end, in: utc, limit: 0).isEmpty)
        #expect(try CronExpression("* * * * *").fires(after: start, through: end, in: utc, limit: -3).isEmpty)
        #expect(try CronExpression("* * * * *").fires(after: end, through: start, in: utc, limit: 10).isEmpty)
        #expect(try CronExpression("0 13 * * *").fires(after: start, through: end, in: utc, limit: 10).isEmpty)
        #expect(try CronExpression("0 0 30 2 *").fires(after: start, through: end, in: utc, limit: 10).isEmpty)
    }

    @Test("a downtime across the Berlin fall-back counts the repeated hour for *-hour schedules only")
    func downtimeAcrossFallBack() throws {
        let berlin = try zone("Europe/Berlin")
        // 00:00 to 04:00 local on 2026-10-25 is five real hours: 20 quarter hours, of which 15 (hours 0-3 without
        // the second pass of 02:xx) match the fixed-hour schedule.
        let start = try instant("2026-10-24T22:00:00Z")
        let end = try instant("2026-10-25T03:00:00Z")
        #expect(try CronExpression("*/15 * * * *").fires(after: start, through: end, in: berlin, limit: 100).count == 20)
        #expect(try CronExpression("*/15 0-3 * * *").fires(after: start, through: end, in: berlin, limit: 100).count == 15)
    }
}
