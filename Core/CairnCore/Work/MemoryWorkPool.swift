public import Foundation
import Synchronization

/// Work pools and a worker registry in process memory: for tests and single-process deployments.
public final class MemoryWorkPool: WorkPool, WorkerRegistry {
    private struct State {
        var items: [String: WorkItem] = [:]
        var order: [String] = []
        var workers: [String: WorkerRecord] = [:]
    }

    private let state = Mutex(State())

    /// Creates empty pools.
    public init() {}

    public func push(pool: String, payload: Data, maxAttempts: Int, id: String?, key: String?, now: Date) async throws -> WorkItem {
        try WorkRules.validate(pool: pool, maxAttempts: maxAttempts)
        let itemID = id ?? UUID().uuidString.lowercased()
        return state.withLock { state in
            if let existing = state.items[itemID] { return existing }
            let item = WorkItem(id: itemID, pool: pool, payload: payload, state: .pending, attempts: 0, maxAttempts: maxAttempts, key: key)
            state.items[itemID] = item
            state.order.append(itemID)
            return item
        }
    }

    public func claim(pool: String, worker: String, lease: TimeInterval, now: Date) async throws -> WorkItem? {
        state.withLock { state in
            for id in state.order {
                guard var item = state.items[id], item.pool == pool, WorkRules.isClaimable(item, now: now) else { continue }
                if let key = item.key,
                    state.items.values.contains(where: {
                        $0.id != item.id && $0.pool == pool && $0.key == key && $0.state == .claimed && ($0.leaseUntil ?? .distantPast) > now
                    })
                {
                    continue
                }
                if item.state == .claimed && item.attempts >= item.maxAttempts {
                    item.state = .deadLettered
                    item.lastError = item.lastError ?? "abandoned by worker \(item.worker ?? "?") \(item.attempts) times"
                    item.worker = nil
                    item.leaseUntil = nil
                    state.items[id] = item
                    continue
                }
                item.state = .claimed
                item.attempts += 1
                item.worker = worker
                item.leaseUntil = now.addingTimeInterval(lease)
                state.items[id] = item
                return item
            }
            return nil
        }
    }

    private func withHeld<T>(_ id: String, _ worker: String, now: Date, _ body: (inout WorkItem) -> T) throws -> T {
        try state.withLock { state in
            guard var item = state.items[id] else { throw WorkPoolError.itemNotFound(id) }
            guard WorkRules.isHeld(item, by: worker, now: now) else { throw WorkPoolError.notHeld(item: id, worker: worker) }
            let result = body(&item)
            state.items[id] = item
            return result
        }
    }

    public func heartbeat(item: String, worker: String, lease: TimeInterval, now: Date) async throws {
        try withHeld(item, worker, now: now) { $0.leaseUntil = now.addingTimeInterval(lease) }
    }

    public func complete(item: String, worker: String, now: Date) async throws {
        try withHeld(item, worker, now: now) { item in
            item.state = .completed
            item.worker = nil
            item.leaseUntil = nil
        }
    }

    public func fail(item: String, worker: String, error: String, now: Date) async throws -> WorkItemState {
        try withHeld(item, worker, now: now) { item in
            WorkRules.giveBack(&item, error: error)
            return item.state
        }
    }

    public func releaseAll(worker: String, now: Date) async throws -> Int {
        state.withLock { state in
            var released = 0
            for (id, var item) in state.items where item.state == .claimed && item.worker == worker {
                WorkRules.giveBack(&item, error: "released: worker \(worker) stopped")
                state.items[id] = item
                released += 1
            }
            return released
        }
    }

    public func size(pool: String, now: Date) async throws -> PoolSize {
        state.withLock { state in
            var size = PoolSize(pending: 0, claimed: 0, completed: 0, deadLettered: 0)
            for item in state.items.values where item.pool == pool {
                switch item.state {
                case .pending: size.pending += 1
                case .claimed: if WorkRules.isClaimable(item, now: now) { size.pending += 1 } else { size.claimed += 1 }
                case .completed: size.completed += 1
                case .deadLettered: size.deadLettered += 1
                }
            }
            return size
        }
    }

    public func deadLetters(pool: String) async throws -> [WorkItem] {
        state.withLock { state in
            state.order.compactMap { state.items[$0] }.filter { $0.pool == pool && $0.state == .deadLettered }
        }
    }

    public func register(_ worker: WorkerRecord) async throws {
        state.withLock { $0.workers[worker.id] = worker }
    }

    public func heartbeat(worker: String, now: Date) async throws {
        try state.withLock { state in
            guard state.workers[worker] != nil else { throw WorkPoolError.itemNotFound("worker \(worker)") }
            state.workers[worker]?.lastHeartbeat = now
        }
    }

    public func deregister(worker: String) async throws {
        _ = state.withLock { $0.workers.removeValue(forKey: worker) }
    }

    public func workers() async throws -> [WorkerRecord] {
        state.withLock { $0.workers.values.sorted { $0.id < $1.id } }
    }
}

/// The rules every work pool shares, so implementations agree.
public enum WorkRules {
    /// Whether `item` can be claimed at `now`: pending, or claimed under a lease that ran out.
    public static func isClaimable(_ item: WorkItem, now: Date) -> Bool {
        item.state == .pending || (item.state == .claimed && (item.leaseUntil ?? .distantPast) <= now)
    }

    /// Whether `worker` holds `item` at `now`.
    public static func isHeld(_ item: WorkItem, by worker: String, now: Date) -> Bool {
        item.state == .claimed && item.worker == worker && (item.leaseUntil ?? .distantPast) > now
    }

    /// Returns a held item to the pool after a failure: pending again, or dead-lettered when its attempts are used up.
    public static func giveBack(_ item: inout WorkItem, error: String) {
        item.state = item.attempts >= item.maxAttempts ? .deadLettered : .pending
        item.lastError = error
        item.worker = nil
        item.leaseUntil = nil
    }

    /// Checks push arguments.
    /// - Throws: `CairnError.invalidArgument` naming the bad value.
    public static func validate(pool: String, maxAttempts: Int) throws {
        guard !pool.isEmpty else { throw CairnError.invalidArgument("a pool needs a name") }
        guard maxAttempts >= 1 else { throw CairnError.invalidArgument("maxAttempts must be at least 1, not \(maxAttempts)") }
    }
}
