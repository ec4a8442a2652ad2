import CairnTriggers
import Synchronization

@testable import CairnFileWatchTrigger

/// A virtual instant: an offset from the start of a test.
struct TestInstant: InstantProtocol {
    var offset: Duration

    static let zero = TestInstant(offset: .zero)

    static func ms(_ milliseconds: Int) -> TestInstant { TestInstant(offset: .milliseconds(milliseconds)) }

    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - offset }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
}

/// A clock on virtual time whose `sleep` returns at once, having moved time to the deadline: a watch loop driven by it
/// runs deterministically, as fast as the CPU allows, with no real waiting.
struct JumpClock: Clock {
    private final class State: Sendable {
        let now = Mutex(TestInstant.zero)
    }

    private let state = State()

    var now: TestInstant { state.now.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: TestInstant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.now.withLock { $0 = max($0, deadline) }
        await Task.yield()
    }
}

/// A backend that replays planned outputs at planned virtual times, then fails with `endError` at `end`.
final class ScriptedSource: ChangeSource {
    let interval: Duration
    private let clock: JumpClock
    private var script: [(at: TestInstant, output: SourceOutput)]
    private let end: TestInstant
    static let endError = FileWatchError(field: "test", value: "end", message: "script finished")

    init(clock: JumpClock, interval: Duration, end: TestInstant, script: [(at: TestInstant, output: SourceOutput)]) {
        self.clock = clock
        self.interval = interval
        self.end = end
        self.script = script
    }

    func collect() throws(FileWatchError) -> SourceOutput {
        let now = clock.now
        if now >= end { throw Self.endError }
        var merged = SourceOutput()
        while let first = script.first, first.at <= now {
            merged.changes += first.output.changes
            merged.activity += first.output.activity
            merged.rescanned = merged.rescanned || first.output.rescanned
            merged.failure = merged.failure ?? first.output.failure
            script.removeFirst()
        }
        return merged
    }
}
