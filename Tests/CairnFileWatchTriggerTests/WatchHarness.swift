import CairnFileWatchTrigger
import Synchronization

/// Collects delivered batches and lets a test wait, with a bound, for the next one.
final class BatchLog: Sendable {
    private struct State {
        var batches: [[FileChange]] = []
        var cursor = 0
    }

    private let state = Mutex(State())

    func append(_ batch: [FileChange]) {
        state.withLock { $0.batches.append(batch) }
    }

    /// The next batch not yet returned, waiting up to `timeout` for it to arrive; `nil` if none did.
    func next(timeout: Duration = .seconds(10)) async -> [FileChange]? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let batch: [FileChange]? = state.withLock { state in
                guard state.cursor < state.batches.count else { return nil }
                state.cursor += 1
                return state.batches[state.cursor - 1]
            }
            if let batch { return batch }
            guard clock.now < deadline else { return nil }
            try? await clock.sleep(for: .milliseconds(10))
        }
    }
}

/// Test options: short debounce and poll interval so real-file tests are quick.
func testOptions(
    _ folder: TempFolder, _ backend: FileWatchBackend, patterns: [String] = [], events: Set<FileChangeKind> = Set(FileChangeKind.allCases),
    recursive: Bool = false
) -> FileWatchOptions {
    FileWatchOptions(
        folder: folder.watched, patterns: patterns, events: events, recursive: recursive, debounce: .milliseconds(200),
        backend: backend, pollInterval: .milliseconds(100))
}

/// Runs a watcher with `options` around `body`, which starts once the folder is being watched; the watcher is
/// cancelled when `body` returns, and its error, if any, is rethrown.
func watching(_ options: FileWatchOptions, _ body: (BatchLog) async throws -> Void) async throws {
    let watcher = try FileWatcher(options)
    let log = BatchLog()
    let (ready, readySignal) = AsyncStream<Void>.makeStream()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { readySignal.finish() }
            try await watcher.run(onReady: { readySignal.yield() }) { log.append($0) }
        }
        for await _ in ready { break }
        try await body(log)
        group.cancelAll()
        try await group.waitForAll()
    }
}

/// The backends under test on this platform.
#if os(Linux)
    let allBackends: [FileWatchBackend] = [.inotify, .poll]
#else
    let allBackends: [FileWatchBackend] = [.poll]
#endif
