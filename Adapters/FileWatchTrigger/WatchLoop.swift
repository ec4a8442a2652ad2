/// Drives a backend and a batcher on a clock: asks the backend for changes every interval, delivers due batches, and
/// sleeps in between. It never blocks a thread: backends return at once and waiting is `clock.sleep`.
struct WatchLoop<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    let clock: C

    /// Runs until the task is cancelled (then returns, dropping undelivered changes) or the backend fails (then delivers
    /// what is collected as a ``FileChangeBatch/Cause/stopping`` batch and throws).
    func run(
        source: some ChangeSource,
        batcher initial: DebouncedBatcher<C.Instant>,
        onBatch: @Sendable (FileChangeBatch) async -> Void
    ) async throws(FileWatchError) {
        var batcher = initial
        var nextCollect = clock.now
        while !Task.isCancelled {
            if clock.now >= nextCollect {
                let output = try source.collect()
                let seen = clock.now
                nextCollect = seen.advanced(by: source.interval)
                for change in output.changes {
                    batcher.add(change, at: seen)
                    if batcher.isFull, let batch = batcher.take(cause: .maxPending) { await onBatch(batch) }
                }
                for path in output.activity { batcher.touch(path, at: seen) }
                if output.rescanned && !output.changes.isEmpty { batcher.markRescanned() }
                if let failure = output.failure {
                    if let batch = batcher.take(cause: .stopping) { await onBatch(batch) }
                    throw failure
                }
            }
            if let batch = batcher.takeDue(now: clock.now) { await onBatch(batch) }
            var wake = nextCollect
            if let deadline = batcher.deadline, deadline < wake { wake = deadline }
            do {
                try await clock.sleep(until: wake, tolerance: nil)
            } catch {
                return
            }
        }
    }
}
