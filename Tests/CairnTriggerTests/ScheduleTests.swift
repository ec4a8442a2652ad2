import CairnCore
import CairnTriggers
import Foundation
import Testing

@Suite("Schedules: due times, missed fires after downtime, DST")
struct ScheduleTests {
    /// Runs a 15-minute cron schedule from 00:00 to 00:15 (one fire), stops it for a simulated
    /// downtime until 03:20, and restarts it with `missed`.
    func downtime(_ missed: String, extra: String = "") async throws -> [String] {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition(
            "quarterly", #"{"type": "cron", "cron_expression": "*/15 * * * *", "agent": "a", "missed": "\#(missed)"\#(extra)}"#)
        let first = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-06-01T00:15:00Z"))
        #expect(try await waitForFires(store, "quarterly", count: 1) == ["2026-06-01T00:15:00.000Z"])
        await first.stop()
        clock.set(date("2026-06-01T03:20:00Z"))
        let second = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        await second.stop()
        return try await fireIDs(store, "quarterly")
    }

    @Test func missedFiresAreSkippedUnderSkip() async throws {
        #expect(try await downtime("skip") == ["2026-06-01T00:15:00.000Z"])
    }

    @Test func missedFiresFireOnceUnderOnce() async throws {
        #expect(try await downtime("once") == ["2026-06-01T00:15:00.000Z", "2026-06-01T03:15:00.000Z"])
    }

    @Test func missedFiresAllFireUnderAllUpToTheCap() async throws {
        let all = try await downtime("all")
        #expect(all.count == 13)
        #expect(all.last == "2026-06-01T03:15:00.000Z")
        let capped = try await downtime("all", extra: #", "max_missed": 5"#)
        #expect(capped == ["2026-06-01T00:15:00.000Z"] + ["02:15", "02:30", "02:45", "03:00", "03:15"].map { "2026-06-01T\($0):00.000Z" })
    }

    @Test func skipStillFiresWithinTheGracePeriod() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition("late", #"{"type": "cron", "cron_expression": "0 * * * *", "agent": "a", "missed": "skip"}"#)
        let service = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-06-01T01:00:30Z"))
        #expect(try await waitForFires(store, "late", count: 1) == ["2026-06-01T01:00:00.000Z"])
        await service.stop()
    }

    @Test func fallBackRepeatsAnHourlyScheduleAndKeepsFireIDsDistinct() async throws {
        // Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST (01:00 UTC): 02:30 happens twice.
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-10-24T23:00:00Z"))
        let trigger = try definition(
            "half", #"{"type": "cron", "cron_expression": "30 * * * *", "cron_timezone": "Europe/Berlin", "agent": "a", "missed": "all"}"#)
        let service = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-10-25T03:00:00Z"))
        let ids = try await waitForFires(store, "half", count: 4)
        #expect(ids == ["2026-10-24T23:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z", "2026-10-25T02:30:00.000Z"])
        await service.stop()
    }

    @Test func springForwardFiresASkippedTimeOnceAfterTheGap() async throws {
        // 2026-03-29 02:30 does not exist in Europe/Berlin: the fire comes at 03:00 CEST (01:00 UTC).
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-03-28T12:00:00Z"))
        let trigger = try definition(
            "daily", #"{"type": "cron", "cron_expression": "30 2 * * *", "cron_timezone": "Europe/Berlin", "agent": "a"}"#)
        let service = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-03-29T01:00:00Z"))
        #expect(try await waitForFires(store, "daily", count: 1) == ["2026-03-29T01:00:00.000Z"])
        await service.stop()
    }

    @Test func sixFieldExpressionsFireOnSeconds() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition("ticks", #"{"type": "cron", "cron_expression": "* * * * * */20", "agent": "a", "missed": "all"}"#)
        let service = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-06-01T00:01:00Z"))
        let ids = try await waitForFires(store, "ticks", count: 3)
        #expect(ids == ["00:00:20", "00:00:40", "00:01:00"].map { "2026-06-01T\($0).000Z" })
        await service.stop()
    }

    @Test func monthEndsSkipMonthsWithoutTheDay() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-01-01T00:00:00Z"))
        let trigger = try definition("monthly", #"{"type": "cron", "cron_expression": "0 12 31 * *", "agent": "a", "missed": "all"}"#)
        let service = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock)
        clock.set(date("2026-06-01T00:00:00Z"))
        let ids = try await waitForFires(store, "monthly", count: 3)
        #expect(ids == ["2026-01-31T12:00:00.000Z", "2026-03-31T12:00:00.000Z", "2026-05-31T12:00:00.000Z"])
        await service.stop()
    }

    @Test func intervalJitterIsTheSameOnEveryNode() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition(
            "jittery",
            #"{"type": "interval", "interval_seconds": 10, "jitter_seconds": 4, "start": "2026-06-01T00:00:00Z", "agent": "a", "missed": "all"}"#)
        // Two services on one store: two nodes. Every due time is recorded once.
        let one = try await RunningService(store: store, clock: clock, definitions: [trigger])
        let two = try await RunningService(store: store, clock: clock, definitions: [trigger])
        try await waitIdle(clock, sleepers: 4)
        clock.set(date("2026-06-01T00:01:00Z"))
        let ids = try await waitForFires(store, "jittery", count: 5)
        try await waitIdle(clock, sleepers: 4)
        await one.stop()
        await two.stop()
        let all = try await fireIDs(store, "jittery")
        #expect(Set(all).count == all.count)
        #expect(all.count == 5 || all.count == 6)
        for (index, id) in ids.enumerated() {
            let offset = date(id).timeIntervalSince(date("2026-06-01T00:00:00Z")) - Double(index + 1) * 10
            #expect(offset >= 0 && offset < 4, "fire \(id) is \(offset) s after its due time")
        }
    }
}
