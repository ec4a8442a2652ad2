public import CairnCore
public import Foundation
import Synchronization

/// Work pools and the worker registry in a SQLite database (the same file as a ``SQLiteStore``,
/// or one of their own), shared by any number of processes.
///
/// Every operation is one `BEGIN IMMEDIATE` transaction, so a claim — find the oldest claimable
/// item, take it — is atomic across processes: two workers never hold the same item.
public final class SQLiteWorkPool: WorkPool, WorkerRegistry {
    /// The database file.
    public let path: String
    private let connection: Mutex<SQLiteConnection>

    /// Opens (creating if needed) the pools in the database at `path`.
    /// - Throws: `CairnError.storage` for SQLite failures; `CairnError.invalidArgument` for a newer schema.
    public init(path: String, busyTimeoutMilliseconds: Int = 10_000) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let connection = try SQLiteConnection(path: path, create: true)
        try connection.execute("PRAGMA busy_timeout=\(busyTimeoutMilliseconds); PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try SQLiteSchema.migrate(connection)
        self.connection = Mutex(connection)
    }

    /// Opens the pools in the database named by a `sqlite://` URL (the same URL as the store's).
    /// - Throws: `CairnError.unsupportedStore` for a malformed URL or option; as `init(path:)`.
    public convenience init(url: URL) throws {
        let parsed = try SQLiteURL(url)
        try self.init(path: parsed.path, busyTimeoutMilliseconds: parsed.busyTimeout)
    }

    private func transaction<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await BlockingIO.run {
            try self.connection.withLock { connection in
                try connection.execute("BEGIN IMMEDIATE")
                do {
                    let result = try body(connection)
                    try connection.execute("COMMIT")
                    return result
                } catch {
                    try? connection.execute("ROLLBACK")
                    throw error
                }
            }
        }
    }

    private static let columns = "id, pool, payload, state, attempts, max_attempts, worker, lease_until, last_error, key"

    private static func item(from row: SQLiteConnection.Statement) -> WorkItem {
        WorkItem(
            id: row.text(0), pool: row.text(1), payload: row.blob(2), state: WorkItemState(rawValue: row.text(3)) ?? .pending,
            attempts: Int(row.int(4)), maxAttempts: Int(row.int(5)), worker: row.optionalText(6),
            leaseUntil: row.optionalInt(7).map(Timestamps.date(milliseconds:)), lastError: row.optionalText(8), key: row.optionalText(9))
    }

    private static func load(_ id: String, _ connection: SQLiteConnection) throws -> WorkItem? {
        let statement = try connection.cached("SELECT \(columns) FROM work_items WHERE id = ?")
        try statement.bind([.text(id)])
        defer { statement.reset() }
        return try statement.step() ? item(from: statement) : nil
    }

    private static func save(_ item: WorkItem, _ connection: SQLiteConnection) throws {
        try connection.cached("UPDATE work_items SET state = ?, attempts = ?, worker = ?, lease_until = ?, last_error = ? WHERE id = ?").run([
            .text(item.state.rawValue), .int(Int64(item.attempts)), item.worker.map { .text($0) } ?? .null,
            item.leaseUntil.map { .int(Timestamps.milliseconds($0)) } ?? .null, item.lastError.map { .text($0) } ?? .null, .text(item.id),
        ])
    }

    public func push(pool: String, payload: Data, maxAttempts: Int, id: String?, key: String?, now: Date) async throws -> WorkItem {
        try WorkRules.validate(pool: pool, maxAttempts: maxAttempts)
        let itemID = id ?? UUID().uuidString.lowercased()
        return try await transaction { connection in
            if let existing = try Self.load(itemID, connection) { return existing }
            try connection.cached(
                """
                INSERT INTO work_items(id, pool, seq, payload, state, attempts, max_attempts, key)
                VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM work_items), ?, 'pending', 0, ?, ?)
                """
            ).run([.text(itemID), .text(pool), .blob(payload), .int(Int64(maxAttempts)), key.map { .text($0) } ?? .null])
            return WorkItem(id: itemID, pool: pool, payload: payload, state: .pending, attempts: 0, maxAttempts: maxAttempts, key: key)
        }
    }

    public func claim(pool: String, worker: String, lease: TimeInterval, now: Date) async throws -> WorkItem? {
        let nowMillis = Timestamps.milliseconds(now)
        return try await transaction { connection in
            // Two index range scans (pending; claimed with a lapsed lease), oldest of the two.
            // An item whose key another item holds under a live lease is skipped.
            let free = """
                (w.key IS NULL OR NOT EXISTS (SELECT 1 FROM work_items h WHERE h.pool = w.pool AND h.key = w.key
                                               AND h.state = 'claimed' AND h.lease_until > ? AND h.id <> w.id))
                """
            let pending = try connection.cached(
                "SELECT \(Self.columns), seq FROM work_items w WHERE pool = ? AND state = 'pending' AND \(free) ORDER BY seq LIMIT 1")
            let lapsed = try connection.cached(
                "SELECT \(Self.columns), seq FROM work_items w WHERE pool = ? AND state = 'claimed' AND lease_until <= ? AND \(free) ORDER BY seq LIMIT 1")
            func first(_ statement: SQLiteConnection.Statement, _ values: [SQLiteConnection.Statement.Value]) throws -> (WorkItem, Int64)? {
                try statement.bind(values)
                defer { statement.reset() }
                return try statement.step() ? (Self.item(from: statement), statement.int(10)) : nil
            }
            while true {
                let candidates = [try first(pending, [.text(pool), .int(nowMillis)]), try first(lapsed, [.text(pool), .int(nowMillis), .int(nowMillis)])]
                    .compactMap { $0 }
                guard var item = candidates.min(by: { $0.1 < $1.1 })?.0 else { return nil }
                if item.state == .claimed && item.attempts >= item.maxAttempts {
                    item.state = .deadLettered
                    item.lastError = item.lastError ?? "abandoned by worker \(item.worker ?? "?") \(item.attempts) times"
                    item.worker = nil
                    item.leaseUntil = nil
                    try Self.save(item, connection)
                    continue
                }
                item.state = .claimed
                item.attempts += 1
                item.worker = worker
                item.leaseUntil = Timestamps.date(milliseconds: nowMillis + Int64((lease * 1000).rounded()))
                try Self.save(item, connection)
                return item
            }
        }
    }

    private func withHeld<T: Sendable>(_ id: String, _ worker: String, now: Date, _ change: @escaping @Sendable (inout WorkItem) -> T) async throws -> T {
        try await transaction { connection in
            guard var item = try Self.load(id, connection) else { throw WorkPoolError.itemNotFound(id) }
            guard WorkRules.isHeld(item, by: worker, now: now) else { throw WorkPoolError.notHeld(item: id, worker: worker) }
            let result = change(&item)
            try Self.save(item, connection)
            return result
        }
    }

    public func heartbeat(item: String, worker: String, lease: TimeInterval, now: Date) async throws {
        try await withHeld(item, worker, now: now) { $0.leaseUntil = now.addingTimeInterval(lease) }
    }

    public func complete(item: String, worker: String, now: Date) async throws {
        try await withHeld(item, worker, now: now) { item in
            item.state = .completed
            item.worker = nil
            item.leaseUntil = nil
        }
    }

    public func fail(item: String, worker: String, error: String, now: Date) async throws -> WorkItemState {
        try await withHeld(item, worker, now: now) { item in
            WorkRules.giveBack(&item, error: error)
            return item.state
        }
    }

    public func releaseAll(worker: String, now: Date) async throws -> Int {
        try await transaction { connection in
            let held = try connection.cached("SELECT \(Self.columns) FROM work_items WHERE worker = ? AND state = 'claimed'")
            try held.bind([.text(worker)])
            var items: [WorkItem] = []
            while try held.step() { items.append(Self.item(from: held)) }
            held.reset()
            for var item in items {
                WorkRules.giveBack(&item, error: "released: worker \(worker) stopped")
                try Self.save(item, connection)
            }
            return items.count
        }
    }

    public func size(pool: String, now: Date) async throws -> PoolSize {
        let nowMillis = Timestamps.milliseconds(now)
        return try await transaction { connection in
            let statement = try connection.cached(
                """
                SELECT CASE WHEN state = 'claimed' AND lease_until <= ? THEN 'pending' ELSE state END AS s, COUNT(*)
                FROM work_items WHERE pool = ? GROUP BY s
                """)
            try statement.bind([.int(nowMillis), .text(pool)])
            defer { statement.reset() }
            var size = PoolSize(pending: 0, claimed: 0, completed: 0, deadLettered: 0)
            while try statement.step() {
                let count = Int(statement.int(1))
                switch WorkItemState(rawValue: statement.text(0)) {
                case .pending?: size.pending += count
                case .claimed?: size.claimed += count
                case .completed?: size.completed += count
                case .deadLettered?: size.deadLettered += count
                case nil: break
                }
            }
            return size
        }
    }

    public func deadLetters(pool: String) async throws -> [WorkItem] {
        try await transaction { connection in
            let statement = try connection.cached("SELECT \(Self.columns) FROM work_items WHERE pool = ? AND state = 'dead-lettered' ORDER BY seq")
            try statement.bind([.text(pool)])
            defer { statement.reset() }
            var items: [WorkItem] = []
            while try statement.step() { items.append(Self.item(from: statement)) }
            return items
        }
    }

    public func register(_ worker: WorkerRecord) async throws {
        try await transaction { connection in
            try connection.cached("INSERT OR REPLACE INTO workers(id, capabilities, heartbeat_interval_ms, last_heartbeat) VALUES (?, ?, ?, ?)").run([
                .text(worker.id), .text(worker.capabilities.joined(separator: "\n")),
                .int(Int64((worker.heartbeatInterval * 1000).rounded())), .int(Timestamps.milliseconds(worker.lastHeartbeat)),
            ])
        }
    }

    public func heartbeat(worker: String, now: Date) async throws {
        try await transaction { connection in
            try connection.cached("UPDATE workers SET last_heartbeat = ? WHERE id = ?").run([.int(Timestamps.milliseconds(now)), .text(worker)])
            if connection.changes == 0 { throw WorkPoolError.itemNotFound("worker \(worker)") }
        }
    }

    public func deregister(worker: String) async throws {
        try await transaction { connection in
            try connection.cached("DELETE FROM workers WHERE id = ?").run([.text(worker)])
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        try await transaction { connection in
            let statement = try connection.cached("SELECT id, capabilities, heartbeat_interval_ms, last_heartbeat FROM workers ORDER BY id")
            try statement.bind([])
            defer { statement.reset() }
            var result: [WorkerRecord] = []
            while try statement.step() {
                let capabilities = statement.text(1)
                result.append(
                    WorkerRecord(
                        id: statement.text(0), capabilities: capabilities.isEmpty ? [] : capabilities.components(separatedBy: "\n"),
                        heartbeatInterval: Double(statement.int(2)) / 1000, lastHeartbeat: Timestamps.date(milliseconds: statement.int(3))))
            }
            return result
        }
    }
}
