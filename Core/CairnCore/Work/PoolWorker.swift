public import Foundation
public import Logging

/// A worker that shares the driving of sessions with other workers through a work pool.
///
/// Each pass it (1) heartbeats and reaps stale workers, releasing what they held; (2) wakes due
/// timers and pushes one item per pending session, with the id `SESSION@LENGTH`, so that every
/// worker proposing the same event proposes the same item; (3) claims one item and drives its
/// session with the handler, extending its lease while the handler runs. The store's
/// compare-and-swap still guards every append, so even a worker that lost its lease can never
/// append twice for one event.
public struct PoolWorker: Sendable {
    /// Settings of a worker.
    public struct Options: Sendable {
        /// The pool shared by the workers.
        public var pool: String
        /// This worker's id, unique among the workers.
        public var workerID: String
        /// How long a claim lasts without a heartbeat, in seconds.
        public var lease: TimeInterval
        /// How many times an item is claimed before it is dead-lettered.
        public var maxAttempts: Int
        /// How long to wait when there is nothing to do.
        public var pollInterval: Duration

        /// Creates options.
        public init(pool: String, workerID: String, lease: TimeInterval = 30, maxAttempts: Int = 3, pollInterval: Duration = .milliseconds(200)) {
            self.pool = pool
            self.workerID = workerID
            self.lease = lease
            self.maxAttempts = maxAttempts
            self.pollInterval = pollInterval
        }
    }

    /// The runtime that drives sessions.
    public let runtime: Runtime
    /// The pools and registry.
    public let pools: any WorkPool & WorkerRegistry
    /// Settings.
    public let options: Options
    private let logger: Logger

    /// Creates a worker.
    public init(runtime: Runtime, pools: any WorkPool & WorkerRegistry, options: Options, logger: Logger = Logger(label: "cairn.worker")) {
        self.runtime = runtime
        self.pools = pools
        self.options = options
        self.logger = logger
    }

    private var now: Date { runtime.clock.now() }

    /// Works until cancelled, or — with `untilIdle` — until the pool has nothing claimable or held.
    /// Returns how many items this worker worked on.
    /// - Throws: store and pool errors on registration; errors of a pass are logged and retried.
    @discardableResult
    public func run(untilIdle: Bool = false) async throws -> Int {
        try await pools.register(WorkerRecord(id: options.workerID, capabilities: [options.pool], heartbeatInterval: options.lease / 3, lastHeartbeat: now))
        // Heartbeats come from their own task, so a long dispatch or drive never makes this worker look dead.
        let completed = await withTaskGroup(of: Int?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .milliseconds(Int(options.lease * 1000 / 3))) } catch { return nil }
                    try? await pools.heartbeat(worker: options.workerID, now: now)
                }
                return nil
            }
            group.addTask { await work(untilIdle: untilIdle) }
            defer { group.cancelAll() }
            while let result = await group.next() {
                if let result { return result }
            }
            return 0
        }
        _ = try? await pools.releaseAll(worker: options.workerID, now: now)
        try? await pools.deregister(worker: options.workerID)
        return completed
    }

    private func work(untilIdle: Bool) async -> Int {
        var completed = 0
        while !Task.isCancelled {
            do {
                if try await pass() {
                    completed += 1
                    continue
                }
                if untilIdle, try await isIdle() { break }
            } catch is CancellationError {
                break
            } catch {
                logger.error("worker pass failed; retrying", metadata: ["worker": "\(options.workerID)", "error": "\(error)"])
            }
            do { try await Task.sleep(for: options.pollInterval) } catch { break }
        }
        return completed
    }

    /// One pass; returns whether an item was worked on.
    func pass() async throws -> Bool {
        do {
            try await pools.heartbeat(worker: options.workerID, now: now)
        } catch WorkPoolError.itemNotFound {
            // Reaped while it was busy or paused: register again and carry on.
            try await pools.register(WorkerRecord(id: options.workerID, capabilities: [options.pool], heartbeatInterval: options.lease / 3, lastHeartbeat: now))
        }
        let reaped = try await pools.reapStale(now: now, releasingIn: pools)
        if !reaped.isEmpty { logger.notice("reaped stale workers", metadata: ["workers": "\(reaped)"]) }
        try await dispatch()
        guard let item = try await pools.claim(pool: options.pool, worker: options.workerID, lease: options.lease, now: now) else { return false }
        let text = String(decoding: item.payload, as: UTF8.self)
        guard let session = try? SessionID(text) else {
            _ = try await pools.fail(item: item.id, worker: options.workerID, error: "payload '\(text.prefix(60))' is not a session id", now: now)
            return true
        }
        do {
            let report = try await withLeaseKeptAlive(item.id) { try await runtime.drive(session) }
            try await pools.complete(item: item.id, worker: options.workerID, now: now)
            logger.info("drove session", metadata: ["session": "\(session)", "status": "\(report.status)", "invocations": "\(report.invocations)"])
        } catch let error as CancellationError {
            throw error
        } catch {
            _ = try? await pools.fail(item: item.id, worker: options.workerID, error: "\(error)", now: now)
        }
        return true
    }

    /// Pushes one item per pending session (idempotently).
    func dispatch() async throws {
        try await runtime.wakeDueTimers(in: .all)
        let log = SessionLog(store: runtime.store)
        for id in try await runtime.pendingSessions(in: .all) {
            do {
                let length = try await log.head(of: id).length
                _ = try await pools.push(
                    pool: options.pool, payload: Data(id.rawValue.utf8), maxAttempts: options.maxAttempts,
                    id: "\(id)@\(length)", key: id.rawValue, now: now)
            } catch let error as CairnError where error.isInfrastructure {
                logger.error("cannot propose a session; skipping it", metadata: ["session": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Nothing claimable or held in the pool right after a dispatch: every pending session has an
    /// item, so none is waiting (a session whose item was dead-lettered is given up on).
    private func isIdle() async throws -> Bool {
        try await dispatch()
        let size = try await pools.size(pool: options.pool, now: now)
        return size.pending == 0 && size.claimed == 0
    }

    private func withLeaseKeptAlive<T: Sendable>(_ item: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while true {
                    try await Task.sleep(for: .milliseconds(Int(options.lease * 1000 / 3)))
                    try await pools.heartbeat(item: item, worker: options.workerID, lease: options.lease, now: now)
                }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
