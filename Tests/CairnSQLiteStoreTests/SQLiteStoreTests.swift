import CairnCore
import CairnSQLiteStore
import CairnStoreConformance
import CairnTestSupport
import Foundation
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test(arguments: StoreConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let fixture = StoreFixture(
            make: { try SQLiteStore(path: folder.path + "/\(UInt64.random(in: 0...UInt64.max)).db") },
            reopen: { store in
                guard let sqlite = store as? SQLiteStore else { throw CairnError.invalidArgument("not a SQLite store") }
                return try SQLiteStore(path: sqlite.path)
            })
        try await StoreConformance.run(check, on: fixture)
    }

    @Test(arguments: StoreConformance.checks.map(\.name).filter { $0.contains("blob") || $0.contains("shared") })
    func conformanceWithExternalBlobs(_ check: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let fixture = StoreFixture(
            make: { try SQLiteStore(path: folder.path + "/\(UInt64.random(in: 0...UInt64.max)).db", blobs: .external) },
            reopen: { store in
                guard let sqlite = store as? SQLiteStore else { throw CairnError.invalidArgument("not a SQLite store") }
                return try SQLiteStore(path: sqlite.path, blobs: .external)
            })
        try await StoreConformance.run(check, on: fixture)
    }

    @Test func externalBlobsLiveBesideTheDatabaseAndInlineOnesStayReadable() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path + "/mixed.db"
        let inlineDigest = try await SQLiteStore(path: path).put(Data("stored inline".utf8))
        let external = try SQLiteStore(path: path, blobs: .external)
        let body = Data(String(repeating: "beside the database ", count: 500).utf8)
        let digest = try await external.put(body)
        #expect(FileManager.default.fileExists(atPath: path + ".blobs/blobs/\(digest.hex.prefix(2))/\(digest.hex).zst"))
        #expect(try await external.get(digest) == body)
        #expect(try await external.get(inlineDigest) == Data("stored inline".utf8))
        let url = try #require(URL(string: "sqlite://\(path)?blobs=external"))
        #expect(try await SQLiteStore(url: url).get(digest) == body)
    }

    @Test func urlsAndOptionsAreParsedAndBadOnesNamed() throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let good = try #require(URL(string: "sqlite://\(folder.path)/a.db?durability=normal&busy_timeout=2000"))
        #expect(try SQLiteStore(url: good).path == folder.path + "/a.db")
        for bad in [
            "sqlite://\(folder.path)/b.db?durability=sometimes", "sqlite://\(folder.path)/b.db?busy_timeout=soon", "sqlite://\(folder.path)/b.db?colour=red",
            "sqlite://\(folder.path)/b.db?blobs=cloud",
        ] {
            let url = try #require(URL(string: bad))
            #expect(throws: CairnError.self) { try SQLiteStore(url: url) }
        }
        #expect(throws: CairnError.self) { try SQLiteStore(path: folder.path + "/missing.db", create: false) }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/missing.db"))
    }

    @Test func concurrentAppendsAreGroupCommittedAndStayDense() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let store = try SQLiteStore(path: folder.path + "/group.db")
        let sessions = Sessions(store: store)
        let ids = try await (0..<8).asyncMap { _ in try await sessions.create(source: "test").id }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in ids {
                group.addTask {
                    for i in 0..<50 {
                        _ = try await store.append(
                            [EntryDraft(event: .push, header: ObjectHeader(name: "\(i)"), time: Date(), source: "t")], to: id, expectedLength: i + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        for id in ids {
            let entries = try await store.readOwn(id, from: 0, limit: nil)
            #expect(entries.map(\.seq) == Array(0...50))
            #expect(entries.dropFirst().map(\.header.name) == (0..<50).map { "\($0)" })
        }
    }

    @Test func aNewerSchemaIsRefused() throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path + "/future.db"
        _ = try SQLiteStore(path: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=99'); c.commit()", path]
        try process.run()
        process.waitUntilExit()
        #expect(throws: CairnError.self) { try SQLiteStore(path: path) }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

@Suite("SQLite work pool conformance")
struct SQLiteWorkPoolTests {
    @Test(arguments: WorkPoolConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try await WorkPoolConformance.run(check) { try SQLiteWorkPool(path: folder.path + "/\(UInt64.random(in: 0...UInt64.max)).db") }
    }

    @Test func poolsShareTheDatabaseWithTheStore() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path + "/both.db"
        let store = try SQLiteStore(path: path)
        let pool = try SQLiteWorkPool(path: path)
        let session = try await Sessions(store: store).create(source: "t")
        _ = try await pool.push(pool: "runs", payload: Data(session.id.rawValue.utf8), maxAttempts: 3, id: nil, now: Date())
        let item = try #require(try await pool.claim(pool: "runs", worker: "w", lease: 30, now: Date()))
        #expect(try await store.sessionInfo(try SessionID(String(decoding: item.payload, as: UTF8.self))) == session)
    }
}

@Suite("SQLite schema migrations")
struct SQLiteMigrationTests {
    @Test func aVersion2DatabaseIsMigratedAndKeepsItsItems() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path + "/old.db"
        // A database as version 2 left it: work_items without the key column.
        let script = """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.executescript('''
            CREATE TABLE sessions(id TEXT PRIMARY KEY, parent TEXT, fork_point INTEGER NOT NULL, agent TEXT NOT NULL, metadata TEXT NOT NULL,
              created INTEGER NOT NULL, length INTEGER NOT NULL, wake_at INTEGER) WITHOUT ROWID;
            CREATE TABLE entries(session TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, content_type TEXT NOT NULL,
              content_encoding TEXT NOT NULL, schema_url TEXT NOT NULL, name TEXT NOT NULL, metadata TEXT NOT NULL, digest TEXT,
              size INTEGER NOT NULL, time INTEGER NOT NULL, source TEXT NOT NULL, PRIMARY KEY(session, seq)) WITHOUT ROWID;
            CREATE TABLE blobs(digest TEXT PRIMARY KEY, encoding TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;
            CREATE TABLE work_items(id TEXT PRIMARY KEY, pool TEXT NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL, state TEXT NOT NULL,
              attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, worker TEXT, lease_until INTEGER, last_error TEXT);
            CREATE TABLE workers(id TEXT PRIMARY KEY, capabilities TEXT NOT NULL, heartbeat_interval_ms INTEGER NOT NULL,
              last_heartbeat INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO work_items VALUES ('old-item', 'p', 1, X'7B7D', 'pending', 0, 3, NULL, NULL, NULL);
            PRAGMA user_version = 2;
            ''')
            c.commit()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let pool = try SQLiteWorkPool(path: path)
        let item = try #require(try await pool.claim(pool: "p", worker: "w", lease: 30, now: Date()))
        #expect(item.id == "old-item" && item.key == nil)
        _ = try await pool.push(pool: "p", payload: Data(), maxAttempts: 1, id: "new", key: "k", now: Date())
        #expect(try await pool.claim(pool: "p", worker: "w2", lease: 30, now: Date())?.key == "k")
    }
}
