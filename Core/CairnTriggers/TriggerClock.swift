public import CairnCore
public import Foundation
import Synchronization

/// Wall-clock time for triggers: what time it is, and waiting until a time. Schedules are about
/// wall-clock time (09:00 in Berlin), so waits are to dates, not durations. Inject a
/// ``ManualTriggerClock`` in tests.
public protocol TriggerClock: WallClock {
    /// Returns once ``now()`` has reached `date`.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until date: Date) async throws
}

/// The system clock. Long waits wake at least every minute to re-read the time, so a clock
/// that jumps (a suspended laptop, an NTP step) is noticed within a minute.
public struct SystemTriggerClock: TriggerClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until date: Date) async throws {
        while true {
            let remaining = date.timeIntervalSinceNow
            if remaining <= 0 { return }
            try await Task.sleep(for: .milliseconds(Int(min(remaining, 60) * 1000) + 1))
        }
    }
}

/// A clock that moves only when told to: ``advance(by:)`` and ``set(_:)`` wake the sleepers whose
/// time has come. For deterministic tests of schedules.
public final class ManualTriggerClock: TriggerClock {
    private struct Sleeper {
        let until: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [UInt64: Sleeper] = [:]
        var next: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Creates a clock reading `start`.
    public init(_ start: Date) {
        state = Mutex(State(now: start))
    }

    public func now() -> Date { state.withLock { $0.now } }

    /// How many tasks are waiting on the clock (tests wait for a trigger to be idle).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) { set(now().addingTimeInterval(seconds)) }

    /// Sets the clock to `date` and wakes the sleepers it reached.
    public func set(_ date: Date) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = date
            let ready = state.sleepers.filter { $0.value.until <= date }
            for key in ready.keys { state.sleepers[key] = nil }
            return Array(ready.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func sleep(until date: Date) async throws {
        let key = state.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if Task.isCancelled || state.now >= date { return true }
                    state.sleepers[key] = Sleeper(until: date, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: key) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
