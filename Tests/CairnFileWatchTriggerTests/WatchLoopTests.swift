import CairnTriggers
import Synchronization
import Testing

@testable import CairnFileWatchTrigger

/// The watch loop on virtual time: a scripted backend and a clock whose sleeps return at once.
@Suite struct WatchLoopTests {
    private final class Deliveries: Sendable {
        let items = Mutex<[(at: TestInstant, batch: FileChangeBatch)]>([])
        var all: [(at: TestInstant, batch: FileChangeBatch)] { items.withLock { $0 } }
    }

    private func run(
        _ script: [(at: TestInstant, output: SourceOutput)], end: TestInstant = .ms(5000),
        debounce: Int = 200, maxDelay: Int = 10_000, maxPending: Int = 100
    ) async -> (deliveries: [(at: TestInstant, batch: FileChangeBatch)], error: FileWatchError?) {
        let clock = JumpClock()
        let source = ScriptedSource(clock: clock, interval: .milliseconds(50), end: end, script: script)
        let batcher = DebouncedBatcher<TestInstant>(
            filter: .everything, debounce: .milliseconds(debounce), maxDelay: .milliseconds(maxDelay), maxPending: maxPending)
        let deliveries = Deliveries()
        do {
            try await WatchLoop(clock: clock).run(source: source, batcher: batcher) { batch in
                deliveries.items.withLock { $0.append((clock.now, batch)) }
            }
            return (deliveries.all, nil)
        } catch {
            return (deliveries.all, error)
        }
    }

    private func output(_ changes: FileChange...) -> SourceOutput { SourceOutput(changes: changes) }

    @Test func changesWithinTheDebounceArriveAsOneBatch() async {
        let result = await run([(.ms(0), output(.created("a"))), (.ms(100), output(.created("b"))), (.ms(250), output(.created("c")))])
        #expect(result.deliveries.count == 1)
        #expect(result.deliveries.first?.at == .ms(450))
        #expect(result.deliveries.first?.batch == FileChangeBatch(changes: [.created("a"), .created("b"), .created("c")], cause: .quiet))
        #expect(result.error == ScriptedSource.endError)
    }

    @Test func separatedChangesArriveAsSeparateBatches() async {
        let result = await run([(.ms(0), output(.created("a"))), (.ms(1000), output(.deleted("a")))])
        #expect(result.deliveries.map(\.at) == [.ms(200), .ms(1200)])
        #expect(result.deliveries.map(\.batch.changes) == [[.created("a")], [.deleted("a")]])
    }

    @Test func fullBatchesAreDeliveredAtOnce() async {
        let burst = output(.created("a"), .created("b"), .created("c"), .created("d"), .created("e"))
        let result = await run([(.ms(0), burst)], maxPending: 2)
        #expect(result.deliveries.map(\.batch.changes) == [[.created("a"), .created("b")], [.created("c"), .created("d")], [.created("e")]])
        #expect(result.deliveries.map(\.batch.cause) == [.maxPending, .maxPending, .quiet])
        #expect(result.deliveries.map(\.at) == [.ms(0), .ms(0), .ms(200)])
    }

    @Test func neverQuietFolderIsCappedByMaxDelay() async {
        let script = (0...9).map { step in (at: TestInstant.ms(step * 100), output: output(.modified("log"))) }
        let result = await run(script, maxDelay: 500)
        #expect(result.deliveries.map(\.at) == [.ms(500), .ms(1100)])
        #expect(result.deliveries.map(\.batch.cause) == [.maxDelay, .quiet])
    }

    @Test func activityDelaysTheBatch() async {
        let writing = SourceOutput(activity: ["a"])
        let result = await run([(.ms(0), output(.created("a"))), (.ms(150), writing), (.ms(300), writing)])
        #expect(result.deliveries.map(\.at) == [.ms(500)])
    }

    @Test func failureDeliversWhatIsCollectedThenThrows() async {
        let failure = FileWatchError(field: "folder", value: "/x", message: "gone")
        let last = SourceOutput(changes: [.deleted("b")], failure: failure)
        let result = await run([(.ms(0), output(.created("a"))), (.ms(100), last)])
        #expect(result.deliveries.map(\.batch) == [FileChangeBatch(changes: [.created("a"), .deleted("b")], cause: .stopping)])
        #expect(result.deliveries.map(\.at) == [.ms(100)])
        #expect(result.error == failure)
    }

    @Test func cancellationReturnsWithoutError() async throws {
        let clock = JumpClock()
        let batcher = DebouncedBatcher<TestInstant>(filter: .everything, debounce: .zero, maxDelay: .zero, maxPending: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let source = ScriptedSource(clock: clock, interval: .milliseconds(50), end: .ms(Int.max / 2_000_000), script: [])
                try await WatchLoop(clock: clock).run(source: source, batcher: batcher) { _ in }
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
