import CSQLite
public import CairnCore
import CairnFileIO
import CairnZstd
public import Foundation
import Synchronization

/// A store in one SQLite database file (`sqlite:///var/cairn/cairn.db`).
///
/// WAL mode; `synchronous=FULL` by default (an append is acknowledged only after its transaction
/// is durable); a busy timeout so several processes can share the file. Appends from concurrent
/// tasks are group-committed: one writer thread takes every append waiting for it and commits
/// them in one transaction, each under its own savepoint, with the compare-and-swap checked
/// inside the transaction. Blobs are stored inline in the database, or (``BlobPlacement/external``)
/// in a content-addressed folder beside it; zstd-compressed when that saves space either way.
public final class SQLiteStore: Store {
    /// How durable a commit is before it is acknowledged.
    public enum Durability: String, Sendable {
        /// fsync on every commit (the default): an acknowledged append survives power loss.
        case full
        /// fsync at WAL checkpoints only: survives a process crash, may lose the last commits on power loss.
        case normal
    }

    /// Where bodies are kept.
    public enum BlobPlacement: String, Sendable {
        /// In the database's `blobs` table: one file to back up.
        case inline
        /// In the folder `PATH.blobs/` beside the database, keeping the database small; bodies
        /// stored inline earlier stay readable.
        case external
    }

    /// The database file.
    public let path: String
    private let writer: GroupCommitter
    private let readers: ReaderPool
    private let blobFolder: BlobFolder?
    private let writesExternally: Bool

    /// Opens (creating if `create` is true) the database at `path`.
    /// - Throws: `CairnError.invalidArgument` for a missing database when not creating, or one with a
    ///   newer schema; `CairnError.storage` for SQLite failures.
    public init(
        path: String, durability: Durability = .full, busyTimeoutMilliseconds: Int = 10_000,
        blobs: BlobPlacement = .inline, create: Bool = true
    ) throws {
        self.path = path
        if create {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        // The busy timeout first: switching to WAL waits for a lock another connection may hold.
        let setup = """
            PRAGMA busy_timeout=\(busyTimeoutMilliseconds); PRAGMA journal_mode=WAL;
            PRAGMA synchronous=\(durability.rawValue.uppercased()); PRAGMA foreign_keys=OFF;
            """
        let connection = try SQLiteConnection(path: path, create: create)
        try connection.execute(setup)
        try SQLiteSchema.migrate(connection)
        let folder = path + ".blobs"
        if blobs == .external {
            blobFolder = create || FileManager.default.fileExists(atPath: folder) ? try BlobFolder.create(root: folder) : nil
        } else {
            // Bodies written earlier with blobs=external stay readable.
            blobFolder = FileManager.default.fileExists(atPath: folder) ? BlobFolder(root: folder) : nil
        }
        writesExternally = blobs == .external
        writer = GroupCommitter(connection: connection)
        readers = ReaderPool(path: path, setup: setup)
    }

    /// Opens the store named by a `sqlite://` URL: `sqlite:///abs/path.db?durability=normal&busy_timeout=5000&blobs=external`.
    /// - Throws: `CairnError.unsupportedStore` for a malformed URL or option; as `init(path:)`.
    public convenience init(url: URL, create: Bool = true) throws {
        let parsed = try SQLiteURL(url)
        try self.init(path: parsed.path, durability: parsed.durability, busyTimeoutMilliseconds: parsed.busyTimeout, blobs: parsed.blobs, create: create)
    }

    deinit {
        writer.stop()
    }

    // MARK: Blobs

    public func put(_ data: Data) async throws -> Digest {
        if writesExternally, let blobFolder { return try await BlockingIO.run { try blobFolder.put(data) } }
        let digest = Digest(of: data)
        var bytes = data, encoding = ""
        if data.count >= 128, let compressed = try? Zstd.compress(data), compressed.count < data.count - data.count / 16 {
            bytes = compressed
            encoding = "zstd"
        }
        let row: [SQLiteConnection.Statement.Value] = [.text(digest.hex), .text(encoding), .blob(bytes)]
        try await writer.submit { connection in
            try connection.cached("INSERT OR IGNORE INTO blobs(digest, encoding, data) VALUES (?, ?, ?)").run(row)
        }
        return digest
    }

    public func getStored(_ digest: Digest) async throws -> StoredBlob {
        if let blobFolder, blobFolder.location(of: digest) != nil { return try await BlockingIO.run { try blobFolder.getStored(digest) } }
        return try await readers.read { connection in
            let statement = try connection.cached("SELECT encoding, data FROM blobs WHERE digest = ?")
            try statement.bind([.text(digest.hex)])
            defer { statement.reset() }
            guard try statement.step() else { throw CairnError.blobNotFound(digest) }
            return StoredBlob(bytes: statement.blob(1), encoding: statement.text(0))
        }
    }

    public func get(_ digest: Digest) async throws -> Data {
        let stored = try await getStored(digest)
        var data = stored.bytes
        if stored.encoding == "zstd" {
            do { data = try Zstd.decompress(stored.bytes) } catch { throw CairnError.corrupt("blob \(digest) in \(path): \(error)") }
        }
        guard Digest(of: data) == digest else { throw CairnError.corrupt("blob \(digest) in \(path) does not match its digest") }
        return data
    }

    public func contains(_ digest: Digest) async throws -> Bool {
        if let blobFolder, blobFolder.location(of: digest) != nil { return true }
        return try await readers.read { connection in
            let statement = try connection.cached("SELECT 1 FROM blobs WHERE digest = ?")
            try statement.bind([.text(digest.hex)])
            defer { statement.reset() }
            return try statement.step()
        }
    }

    public func storedEncoding(of digest: Digest) async throws -> String {
        if let location = blobFolder?.location(of: digest) { return location.compressed ? "zstd" : "" }
        return try await readers.read { connection in
            let statement = try connection.cached("SELECT encoding FROM blobs WHERE digest = ?")
            try statement.bind([.text(digest.hex)])
            defer { statement.reset() }
            guard try statement.step() else { throw CairnError.blobNotFound(digest) }
            return statement.text(0)
        }
    }

    // MARK: Sessions

    public func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        try await writer.submit { connection in
            let exists = try connection.cached("SELECT 1 FROM sessions WHERE id = ?")
            try exists.bind([.text(info.id.rawValue)])
            defer { exists.reset() }
            if try exists.step() { throw CairnError.sessionExists(info.id) }
            try connection.cached(
                """
                INSERT INTO sessions(id, parent, fork_point, agent, metadata, created, length, wake_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                """
            ).run([
                .text(info.id.rawValue), info.parent.map { .text($0.rawValue) } ?? .null, .int(Int64(info.forkPoint)),
                .text(info.agent), .text(MetadataText.encode(info.metadata)),
                .int(Timestamps.milliseconds(info.created)), .int(Int64(info.forkPoint)),
            ])
            return try Self.insert(initial, into: info.id, at: info.forkPoint, connection: connection)
        }
    }

    public func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        try await writer.submit { connection in
            let length = try Self.length(of: id, connection: connection)
            guard length == expectedLength else { throw CairnError.conflict(session: id, expected: expectedLength, actual: length) }
            return try Self.insert(entries, into: id, at: length, connection: connection)
        }
    }

    private static func length(of id: SessionID, connection: SQLiteConnection) throws -> Int {
        let statement = try connection.cached("SELECT length FROM sessions WHERE id = ?")
        try statement.bind([.text(id.rawValue)])
        defer { statement.reset() }
        guard try statement.step() else { throw CairnError.sessionNotFound(id) }
        return Int(statement.int(0))
    }

    private static func insert(_ drafts: [EntryDraft], into id: SessionID, at start: Int, connection: SQLiteConnection) throws -> [Entry] {
        guard !drafts.isEmpty else { return [] }
        let entries = drafts.enumerated().map { $0.element.entry(seq: start + $0.offset) }
        let insert = try connection.cached(
            """
            INSERT INTO entries(session, seq, event, content_type, content_encoding, schema_url, name, metadata, digest, size, time, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in entries {
            try insert.run([
                .text(id.rawValue), .int(Int64(entry.seq)), .text(entry.event.name), .text(entry.header.contentType),
                .text(entry.header.contentEncoding), .text(entry.header.schemaURL), .text(entry.header.name),
                .text(MetadataText.encode(entry.header.metadata)), entry.digest.map { .text($0.hex) } ?? .null,
                .int(Int64(entry.size)), .int(Timestamps.milliseconds(entry.time)), .text(entry.source),
            ])
        }
        let wake: SQLiteConnection.Statement.Value
        switch TimerEffect(of: drafts) {
        case .set(let due): wake = .int(Timestamps.milliseconds(due))
        case .clear, .unchanged: wake = .null
        }
        try connection.cached("UPDATE sessions SET length = ?, wake_at = ? WHERE id = ?")
            .run([.int(Int64(start + entries.count)), wake, .text(id.rawValue)])
        return entries
    }

    public func sessionInfo(_ id: SessionID) async throws -> SessionInfo {
        try await readers.read { connection in
            let statement = try connection.cached("SELECT id, parent, fork_point, agent, metadata, created FROM sessions WHERE id = ?")
            try statement.bind([.text(id.rawValue)])
            defer { statement.reset() }
            guard try statement.step() else { throw CairnError.sessionNotFound(id) }
            return try Self.info(from: statement)
        }
    }

    private static func info(from statement: SQLiteConnection.Statement) throws -> SessionInfo {
        SessionInfo(
            id: try SessionID(statement.text(0)), parent: try statement.optionalText(1).map(SessionID.init),
            forkPoint: Int(statement.int(2)), agent: statement.text(3), metadata: MetadataText.decode(statement.text(4)),
            created: Timestamps.date(milliseconds: statement.int(5)))
    }

    public func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) {
        try await readers.read { connection in
            let length = try Self.length(of: id, connection: connection)
            let entries = try Self.entries(of: id, from: max(0, length - 1), limit: 1, connection: connection)
            return (length, entries.last)
        }
    }

    public func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] {
        try await readers.read { connection in
            _ = try Self.length(of: id, connection: connection)
            return try Self.entries(of: id, from: from, limit: limit, connection: connection)
        }
    }

    private static func entries(of id: SessionID, from: Int, limit: Int?, connection: SQLiteConnection) throws -> [Entry] {
        let statement = try connection.cached(
            """
            SELECT seq, event, content_type, content_encoding, schema_url, name, metadata, digest, size, time, source
            FROM entries WHERE session = ? AND seq >= ? ORDER BY seq LIMIT ?
            """)
        try statement.bind([.text(id.rawValue), .int(Int64(from)), .int(limit.map { Int64(max(0, $0)) } ?? -1)])
        defer { statement.reset() }
        var result: [Entry] = []
        while try statement.step() {
            result.append(
                Entry(
                    seq: Int(statement.int(0)), event: EventKind(name: statement.text(1)),
                    header: ObjectHeader(
                        contentType: statement.text(2), contentEncoding: statement.text(3), schemaURL: statement.text(4),
                        name: statement.text(5), metadata: MetadataText.decode(statement.text(6))),
                    digest: try statement.optionalText(7).map { try Digest(hex: $0) }, size: Int(statement.int(8)),
                    time: Timestamps.date(milliseconds: statement.int(9)), source: statement.text(10)))
        }
        return result
    }

    public func listSessions() async throws -> [SessionInfo] {
        try await readers.read { connection in
            let statement = try connection.cached("SELECT id, parent, fork_point, agent, metadata, created FROM sessions ORDER BY id")
            try statement.bind([])
            defer { statement.reset() }
            var result: [SessionInfo] = []
            while try statement.step() { result.append(try Self.info(from: statement)) }
            return result
        }
    }

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await readers.read { connection in
            let statement = try connection.cached("SELECT id, wake_at FROM sessions WHERE wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at, id")
            try statement.bind([.int(Timestamps.milliseconds(now))])
            defer { statement.reset() }
            var result: [DueTimer] = []
            while try statement.step() {
                result.append(DueTimer(session: try SessionID(statement.text(0)), due: Timestamps.date(milliseconds: statement.int(1))))
            }
            return result
        }
    }
}

/// Metadata as sorted-key JSON text in a column.
enum MetadataText {
    static func encode(_ metadata: [String: String]) -> String {
        guard !metadata.isEmpty, let data = try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        guard text != "{}" else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]) ?? [:]
    }
}
