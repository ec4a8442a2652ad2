public import CairnTriggers

/// Watches a folder and delivers debounced, coalesced batches of file changes: the engine of a `file_watch` trigger.
///
/// Files present when watching starts are not reported; only changes after ``run(onReady:onBatch:)`` has called
/// `onReady` are. Directories are never reported themselves, only the files in them.
public struct FileWatcher: Sendable {
    /// The validated options, with ``FileWatchOptions/folder`` resolved to a canonical absolute path.
    public let options: FileWatchOptions
    let filter: ChangeFilter

    /// Validates `options`: the folder exists, is a directory and is readable; every pattern compiles; `events` is not
    /// empty; `debounce` is not negative; `pollInterval` is positive; `maxPending` is at least 1; `maxDelay` is at least
    /// `debounce`; `inotify` is only asked for on Linux.
    ///
    /// - Throws: ``FileWatchError`` naming the first invalid field, its value and how to fix it.
    public init(_ options: FileWatchOptions) throws(FileWatchError) {
        var resolved = options
        resolved.folder = try Self.validatedFolder(options.folder)
        var patterns: [GlobPattern] = []
        for (index, pattern) in options.patterns.enumerated() {
            do {
                patterns.append(try GlobPattern(pattern))
            } catch {
                throw FileWatchError(field: "patterns[\(index)]", value: pattern, message: error.message)
            }
        }
        try Self.validateTiming(options)
        self.options = resolved
        filter = ChangeFilter(patterns: patterns, events: options.events)
    }

    /// Watches until the task is cancelled, calling `onBatch` with each non-empty debounced batch of changes.
    ///
    /// Within a batch changes are coalesced per file: created then modified is one `created`, created then deleted is
    /// nothing, modified many times is one `modified`, a rename is `moved` with `previousPath` (or `created`/`deleted`
    /// when one side is outside the folder or does not match the patterns). Only files matching the patterns and kinds
    /// in `events` are delivered. `onReady` is called once the folder is being watched: changes from then on are seen.
    /// Batches are delivered one at a time; changes made while `onBatch` runs go into the next batch.
    ///
    /// Returns when the task is cancelled, dropping changes not yet delivered.
    /// - Throws: ``FileWatchError`` when the folder cannot be watched, or disappears (after delivering its last batch).
    public func run(onReady: @Sendable () async -> Void = {}, onBatch: @Sendable ([FileChange]) async -> Void) async throws(FileWatchError) {
        try await runBatches(onReady: onReady) { batch in await onBatch(batch.changes) }
    }

    /// Like ``run(onReady:onBatch:)``, but delivers each batch with why it was delivered and whether a queue overflow
    /// made the watcher rescan.
    ///
    /// - Throws: ``FileWatchError`` when the folder cannot be watched, or disappears (after delivering its last batch).
    public func runBatches(onReady: @Sendable () async -> Void = {}, onBatch: @Sendable (FileChangeBatch) async -> Void) async throws(FileWatchError) {
        guard !Task.isCancelled else { return }
        let source = try makeSource()
        await onReady()
        let batcher = DebouncedBatcher<ContinuousClock.Instant>(
            filter: filter, debounce: options.debounce, maxDelay: options.maxDelay, maxPending: options.maxPending)
        try await WatchLoop(clock: ContinuousClock()).run(source: source, batcher: batcher, onBatch: onBatch)
    }

    /// The backend the options ask for: inotify for `auto` on Linux unless a per-user inotify limit is reached.
    func makeSource() throws(FileWatchError) -> any ChangeSource {
        #if os(Linux)
            if options.backend != .poll {
                let tick = min(max(options.debounce / 4, .milliseconds(10)), .milliseconds(50))
                do {
                    return try InotifySource(root: options.folder, recursive: options.recursive, interval: tick)
                } catch {
                    guard options.backend == .auto && error.isResourceLimit else { throw error.error }
                }
            }
        #endif
        return try PollSource(root: options.folder, recursive: options.recursive, interval: options.pollInterval)
    }
}
