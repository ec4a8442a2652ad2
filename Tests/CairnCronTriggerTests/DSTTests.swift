import Foundation
import Testing

@testable import CairnCronTrigger

/// Clock changes in 2026:
/// - Europe/Berlin springs forward at 01:00 UTC on 03-29 (02:00 CET becomes 03:00 CEST) and falls back at 01:00 UTC
///   on 10-25 (03:00 CEST becomes 02:00 CET, so 02:00-02:59 happens twice).
/// - America/New_York springs forward at 07:00 UTC on 03-08 (02:00 EST becomes 03:00 EDT) and falls back at 06:00 UTC
///   on 11-01 (02:00 EDT becomes 01:00 EST, so 01:00-01:59 happens twice).
@Suite("Daylight saving time")
struct DSTTests {
    @Test("Berlin spring-forward: a skipped fixed time fires once at 03:00 CEST")
    func berlinSpringFixedHour() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(
            try nextFires("30 2 * * *", after: "2026-03-27T12:00:00Z", in: berlin, count: 3) == [
                "2026-03-28T01:30:00Z",  // 02:30 CET
                "2026-03-29T01:00:00Z",  // 02:30 does not exist: 03:00 CEST
                "2026-03-30T00:30:00Z",  // 02:30 CEST
            ])
        #expect(try nextFires("0 2 * * *", after: "2026-03-28T12:00:00Z", in: berlin, count: 1) == ["2026-03-29T01:00:00Z"])
        #expect(try nextFires("30 3 * * *", after: "2026-03-28T12:00:00Z", in: berlin, count: 1) == ["2026-03-29T01:30:00Z"])
        // Seconds inside the gap collapse onto its end as well.
        #expect(try nextFires("30 2 * * * 30", after: "2026-03-28T12:00:00Z", in: berlin, count: 1) == ["2026-03-29T01:00:00Z"])
    }

    @Test("Berlin spring-forward: *-hour expressions collapse the missing hour into one fire")
    func berlinSpringWildcardHour() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(
            try nextFires("*/15 * * * *", after: "2026-03-29T00:40:00Z", in: berlin, count: 3) == [
                "2026-03-29T00:45:00Z",  // 01:45 CET
                "2026-03-29T01:00:00Z",  // 02:00-02:45 do not exist, 03:00 CEST: one fire
                "2026-03-29T01:15:00Z",  // 03:15 CEST
            ])
        #expect(
            try nextFires("30 * * * *", after: "2026-03-29T00:00:00Z", in: berlin, count: 3) == [
                "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z",
            ])
        // The local day has 23 hours, so an hourly job fires 23 times.
        let day = try CronExpression("0 * * * *").fires(
            after: try instant("2026-03-28T23:00:00Z").addingTimeInterval(-1), through: try instant("2026-03-29T21:59:59Z"), in: berlin, limit: 100)
        #expect(day.count == 23)
    }

    @Test("Berlin fall-back: a fixed-hour time fires only in the first pass")
    func berlinFallFixedHour() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(
            try nextFires("30 2 * * *", after: "2026-10-24T12:00:00Z", in: berlin, count: 2) == [
                "2026-10-25T00:30:00Z",  // 02:30 CEST; 02:30 CET (01:30 UTC) is skipped
                "2026-10-26T01:30:00Z",  // 02:30 CET the next day
            ])
        #expect(
            try nextFires("*/20 2 * * *", after: "2026-10-24T12:00:00Z", in: berlin, count: 4) == [
                "2026-10-25T00:00:00Z", "2026-10-25T00:20:00Z", "2026-10-25T00:40:00Z", "2026-10-26T01:00:00Z",
            ])
        // Starting inside the second pass does not replay it.
        #expect(try nextFires("50 2 * * *", after: "2026-10-25T01:10:00Z", in: berlin, count: 1) == ["2026-10-26T01:50:00Z"])
        #expect(try nextFires("0 3 * * *", after: "2026-10-24T12:00:00Z", in: berlin, count: 1) == ["2026-10-25T02:00:00Z"])
    }

    @Test("Berlin fall-back: *-hour expressions fire in both passes")
    func berlinFallWildcardHour() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(
            try nextFires("30 * * * *", after: "2026-10-24T23:00:00Z", in: berlin, count: 4) == [
                "2026-10-24T23:30:00Z",  // 01:30 CEST
                "2026-10-25T00:30:00Z",  // 02:30 CEST
                "2026-10-25T01:30:00Z",  // 02:30 CET
                "2026-10-25T02:30:00Z",  // 03:30 CET
            ])
        #expect(
            try nextFires("*/30 */1 * * *", after: "2026-10-24T23:50:00Z", in: berlin, count: 5) == [
                "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z",
            ])
        #expect(try nextFires("50 * * * *", after: "2026-10-25T01:10:00Z", in: berlin, count: 1) == ["2026-10-25T01:50:00Z"])
        // The local day has 25 hours, so an hourly job fires 25 times.
        let day = try CronExpression("0 * * * *").fires(
            after: try instant("2026-10-24T22:00:00Z").addingTimeInterval(-1), through: try instant("2026-10-25T22:59:59Z"), in: berlin, limit: 100)
        #expect(day.count == 25)
    }

    @Test("New York spring-forward")
    func newYorkSpring() throws {
        let newYork = try zone("America/New_York")
        #expect(
            try nextFires("30 2 * * *", after: "2026-03-07T00:00:00Z", in: newYork, count: 3) == [
                "2026-03-07T07:30:00Z",  // 02:30 EST
                "2026-03-08T07:00:00Z",  // 02:30 does not exist: 03:00 EDT
                "2026-03-09T06:30:00Z",  // 02:30 EDT
            ])
        #expect(
            try nextFires("*/30 * * * *", after: "2026-03-08T06:00:00Z", in: newYork, count: 3) == [
                "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z",
            ])
    }

    @Test("New York fall-back")
    func newYorkFall() throws {
        let newYork = try zone("America/New_York")
        #expect(
            try nextFires("30 1 * * *", after: "2026-10-31T12:00:00Z", in: newYork, count: 2) == [
                "2026-11-01T05:30:00Z",  // 01:30 EDT; 01:30 EST (06:30 UTC) is skipped
                "2026-11-02T06:30:00Z",  // 01:30 EST
            ])
        #expect(
            try nextFires("0 * * * *", after: "2026-11-01T03:30:00Z", in: newYork, count: 4) == [
                "2026-11-01T04:00:00Z",  // 00:00 EDT
                "2026-11-01T05:00:00Z",  // 01:00 EDT
                "2026-11-01T06:00:00Z",  // 01:00 EST
                "2026-11-01T07:00:00Z",  // 02:00 EST
            ])
        #expect(try nextFires("0 2 * * *", after: "2026-10-31T12:00:00Z", in: newYork, count: 1) == ["2026-11-01T07:00:00Z"])
    }

    @Test("UTC baseline: the same expressions on the same days fire once at the written time")
    func utcBaseline() throws {
        #expect(try nextFires("30 2 * * *", after: "2026-03-28T12:00:00Z", count: 2) == ["2026-03-29T02:30:00Z", "2026-03-30T02:30:00Z"])
        #expect(try nextFires("30 2 * * *", after: "2026-10-24T12:00:00Z", count: 2) == ["2026-10-25T02:30:00Z", "2026-10-26T02:30:00Z"])
        #expect(
            try nextFires("30 * * * *", after: "2026-10-25T00:00:00Z", count: 3) == [
                "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z",
            ])
    }

    @Test("a start exactly on the transition instant still sees the gap fire")
    func startAtTransition() throws {
        let berlin = try zone("Europe/Berlin")
        let transition = try instant("2026-03-29T01:00:00Z")
        let cron = try CronExpression("30 2 * * *")
        #expect(utcString(cron.next(after: transition.addingTimeInterval(-1), in: berlin)) == "2026-03-29T01:00:00Z")
        #expect(utcString(cron.next(after: transition, in: berlin)) == "2026-03-30T00:30:00Z")
    }

    @Test("a gap at midnight (America/Santiago) and a half-hour overlap (Australia/Lord_Howe)")
    func unusualTransitions() throws {
        // Santiago skips 00:00-00:59 on 2026-09-06 (UTC-4 becomes UTC-3 at 04:00 UTC).
        #expect(
            try nextFires("0 0 * * *", after: "2026-09-05T00:00:00Z", in: try zone("America/Santiago"), count: 3) == [
                "2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z",
            ])
        // Lord Howe repeats 01:30-01:59 on 2026-04-05 (UTC+11 becomes UTC+10:30 at 15:00 UTC).
        let lordHowe = try zone("Australia/Lord_Howe")
        #expect(
            try nextFires("45 1 * * *", after: "2026-04-04T12:00:00Z", in: lordHowe, count: 2) == [
                "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z",
            ])
        #expect(
            try nextFires("45 * * * *", after: "2026-04-04T14:00:00Z", in: lordHowe, count: 3) == [
                "2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-04T16:15:00Z",
            ])
    }
}
