public import Foundation

/// Where an item of a work pool stands.
public enum WorkItemState: String, Sendable, Hashable, Codable {
    /// Waiting to be claimed.
    case pending
    /// Held by a worker until its lease runs out.
    case claimed
    /// Done.
    case completed
    /// Failed or abandoned as many times as allowed; kept for inspection.
    case deadLettered = "dead-lettered"
}

/// One unit of work in a named pool.
public struct WorkItem: Sendable, Hashable {
    /// The item's id (given at push for idempotency, or generated).
    public var id: String
    /// The pool it belongs to.
    public var pool: String
    /// The work, as bytes the workers agree on (JSON usually).
    public var payload: Data
    /// Where it stands.
    public var state: WorkItemState
    /// How many times it has been claimed.
    public var attempts: Int
    /// The most claims allowed before it is dead-lettered.
    public var maxAttempts: Int
    /// The worker holding it (while claimed).
    public var worker: String?
    /// When the holder's lease runs out (while claimed).
    public var leaseUntil: Date?
    /// The last failure reported for it.
    public var lastError: String?
    /// Items with the same key are held one at a time (e.g. one item per session).
    public var key: String?

    /// Creates an item.
    public init(
        id: String, pool: String, payload: Data, state: WorkItemState, attempts: Int, maxAttempts: Int,
        worker: String? = nil, leaseUntil: Date? = nil, lastError: String? = nil, key: String? = nil
    ) {
        self.key = key
        self.id = id
        self.pool = pool
        self.payload = payload
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.worker = worker
        self.leaseUntil = leaseUntil
        self.lastError = lastError
    }
}

/// How many items of a pool are in each state.
public struct PoolSize: Sendable, Hashable {
    /// Waiting to be claimed (including claims whose lease ran out).
    public var pending: Int
    /// Held under a live lease.
    public var claimed: Int
    /// Done.
    public var completed: Int
    /// Given up on.
    public var deadLettered: Int

    /// Creates a size.
    public init(pending: Int, claimed: Int, completed: Int, deadLettered: Int) {
        self.pending = pending
        self.claimed = claimed
        self.completed = completed
        self.deadLettered = deadLettered
    }
}

/// Errors of work pools.
public enum WorkPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The worker does not hold the item (never did, completed it, or its lease ran out and
    /// another worker may have it): it must stop working on it.
    case notHeld(item: String, worker: String)
    /// No item with this id.
    case itemNotFound(String)

    public var description: String {
        switch self {
        case .notHeld(let item, let worker): "worker \(worker) does not hold item \(item) (its lease ran out or it was never claimed)"
        case .itemNotFound(let item): "no work item \(item)"
        }
    }
}

/// Named pools of work items claimed by workers under leases.
///
/// Requirements (checked by `WorkPoolConformance` in the conformance kit):
/// - `claim` is atomic: no two workers — tasks or processes — hold the same item at once. An
///   item is held from its claim until it is completed, failed or released, or its lease runs out.
/// - Items are claimed oldest first, skipping an item whose `key` another item holds under a live
///   lease; every claim counts an attempt; an item whose attempts reach
///   `maxAttempts` and then fails (or is abandoned) is dead-lettered instead of retried.
/// - Operations by a worker that no longer holds an item throw ``WorkPoolError/notHeld(item:worker:)``.
/// - Time is passed in (`now`), so tests and simulations control it.
public protocol WorkPool: Sendable {
    /// Adds an item (or, if `id` is already in the pool, returns the existing one unchanged).
    /// Items sharing a `key` are never held at the same time.
    func push(pool: String, payload: Data, maxAttempts: Int, id: String?, key: String?, now: Date) async throws -> WorkItem
    /// Claims the oldest claimable item for `worker` with a lease of `lease` seconds, or nil if none.
    func claim(pool: String, worker: String, lease: TimeInterval, now: Date) async throws -> WorkItem?
    /// Extends the worker's lease on an item it holds.
    func heartbeat(item: String, worker: String, lease: TimeInterval, now: Date) async throws
    /// Marks an item the worker holds as done.
    func complete(item: String, worker: String, now: Date) async throws
    /// Reports a failure: the item becomes pending again, or dead-lettered once its attempts are used up.
    func fail(item: String, worker: String, error: String, now: Date) async throws -> WorkItemState
    /// Returns every item `worker` holds to the pool (dead-lettering those out of attempts); returns how many.
    func releaseAll(worker: String, now: Date) async throws -> Int
    /// How many items are in each state.
    func size(pool: String, now: Date) async throws -> PoolSize
    /// The dead-lettered items of a pool, oldest first.
    func deadLetters(pool: String) async throws -> [WorkItem]
}

extension WorkPool {
    /// Adds an item without a key.
    public func push(pool: String, payload: Data, maxAttempts: Int, id: String?, now: Date) async throws -> WorkItem {
        try await push(pool: pool, payload: payload, maxAttempts: maxAttempts, id: id, key: nil, now: now)
    }
}
