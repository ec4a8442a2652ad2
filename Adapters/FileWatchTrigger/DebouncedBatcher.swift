/// Adds timing to a ``BatchCoalescer``: decides when a batch is due. Pure: the caller passes every instant, so tests
/// drive it with any `InstantProtocol` and no real time passes.
struct DebouncedBatcher<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    private var coalescer: BatchCoalescer
    let debounce: Duration
    let maxDelay: Duration
    let maxPending: Int
    private var firstActivity: Instant?
    private var lastActivity: Instant?
    private var rescanned = false

    init(filter: ChangeFilter, debounce: Duration, maxDelay: Duration, maxPending: Int) {
        coalescer = BatchCoalescer(filter: filter)
        self.debounce = debounce
        self.maxDelay = max(maxDelay, debounce)
        self.maxPending = max(maxPending, 1)
    }

    /// Folds `change` in; a relevant change also counts as activity at `now`.
    mutating func add(_ change: FileChange, at now: Instant) {
        if coalescer.add(change) { noteActivity(at: now) }
    }

    /// Records activity on `path` that is not a change yet (a write still in progress): it keeps the batch open
    /// without adding to it.
    mutating func touch(_ path: String, at now: Instant) {
        if coalescer.isRelevant(path) { noteActivity(at: now) }
    }

    /// Marks the current batch as containing changes reconstructed by a rescan.
    mutating func markRescanned() { rescanned = true }

    /// Whether the batch tracks ``maxPending`` files and must be delivered now.
    var isFull: Bool { coalescer.trackedCount >= maxPending }

    /// When the batch becomes due if nothing else happens: quiet for `debounce`, or `maxDelay` after its first activity.
    var deadline: Instant? {
        guard let firstActivity, let lastActivity else { return nil }
        return min(lastActivity.advanced(by: debounce), firstActivity.advanced(by: maxDelay))
    }

    /// The batch, if it is due at `now` (full, quiet long enough, or open for `maxDelay`) and not empty after
    /// filtering. A due batch is consumed even when empty.
    mutating func takeDue(now: Instant) -> FileChangeBatch? {
        if isFull { return take(cause: .maxPending) }
        guard let deadline, let lastActivity, now >= deadline else { return nil }
        return take(cause: now >= lastActivity.advanced(by: debounce) ? .quiet : .maxDelay)
    }

    /// Consumes whatever is collected, due or not; `nil` when that is nothing deliverable.
    mutating func take(cause: FileChangeBatch.Cause) -> FileChangeBatch? {
        let changes = coalescer.drain()
        let wasRescanned = rescanned
        firstActivity = nil
        lastActivity = nil
        rescanned = false
        return changes.isEmpty ? nil : FileChangeBatch(changes: changes, cause: cause, rescanned: wasRescanned)
    }

    private mutating func noteActivity(at now: Instant) {
        if firstActivity == nil { firstActivity = now }
        lastActivity = now
    }
}
