public import Foundation

/// A worker process as the registry knows it.
public struct WorkerRecord: Sendable, Hashable {
    /// The worker's id.
    public var id: String
    /// What it can do (pool names, handler kinds...).
    public var capabilities: [String]
    /// How often it promises to heartbeat.
    public var heartbeatInterval: TimeInterval
    /// Its last heartbeat.
    public var lastHeartbeat: Date

    /// Creates a record.
    public init(id: String, capabilities: [String], heartbeatInterval: TimeInterval, lastHeartbeat: Date) {
        self.id = id
        self.capabilities = capabilities
        self.heartbeatInterval = heartbeatInterval
        self.lastHeartbeat = lastHeartbeat
    }

    /// Whether the worker missed its heartbeats: its last one is older than twice its interval.
    public func isStale(at now: Date) -> Bool {
        now.timeIntervalSince(lastHeartbeat) > 2 * heartbeatInterval
    }
}

/// The workers sharing a store, with their heartbeats.
///
/// Requirements (checked by `WorkPoolConformance`): a worker is stale once its last heartbeat is
/// older than twice its interval; `reapStale` removes stale workers and releases every item they held.
public protocol WorkerRegistry: Sendable {
    /// Registers (or re-registers) a worker, counting as a heartbeat.
    func register(_ worker: WorkerRecord) async throws
    /// Records a heartbeat.
    /// - Throws: ``WorkPoolError/itemNotFound(_:)`` naming the worker if it is not registered (it was reaped).
    func heartbeat(worker: String, now: Date) async throws
    /// Removes a worker.
    func deregister(worker: String) async throws
    /// Every registered worker, by id.
    func workers() async throws -> [WorkerRecord]
    /// Removes the stale workers and releases their items in `pool`; returns the ids removed.
    func reapStale(now: Date, releasingIn pool: any WorkPool) async throws -> [String]
}

extension WorkerRegistry {
    /// Default reaping built from the other operations.
    public func reapStale(now: Date, releasingIn pool: any WorkPool) async throws -> [String] {
        var reaped: [String] = []
        for worker in try await workers() where worker.isStale(at: now) {
            _ = try await pool.releaseAll(worker: worker.id, now: now)
            try await deregister(worker: worker.id)
            reaped.append(worker.id)
        }
        return reaped
    }
}
