import CairnCore

/// The SQLite store's schema, versioned with `PRAGMA user_version` and migrated in order.
enum SQLiteSchema {
    /// Each element upgrades the schema from version `index` to `index + 1`.
    static let migrations: [String] = [
        """
        CREATE TABLE sessions(
            id TEXT PRIMARY KEY, parent TEXT, fork_point INTEGER NOT NULL, agent TEXT NOT NULL,
            metadata TEXT NOT NULL, created INTEGER NOT NULL, length INTEGER NOT NULL, wake_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX sessions_due ON sessions(wake_at) WHERE wake_at IS NOT NULL;
        CREATE TABLE entries(
            session TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL,
            content_type TEXT NOT NULL, content_encoding TEXT NOT NULL, schema_url TEXT NOT NULL,
            name TEXT NOT NULL, metadata TEXT NOT NULL, digest TEXT, size INTEGER NOT NULL,
            time INTEGER NOT NULL, source TEXT NOT NULL,
            PRIMARY KEY(session, seq)
        ) WITHOUT ROWID;
        CREATE TABLE blobs(digest TEXT PRIMARY KEY, encoding TEXT NOT NULL, data BLOB NOT NULL) WITHOUT ROWID;
        """,
        """
        CREATE TABLE work_items(
            id TEXT PRIMARY KEY, pool TEXT NOT NULL, seq INTEGER NOT NULL, payload BLOB NOT NULL, state TEXT NOT NULL,
            attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, worker TEXT, lease_until INTEGER, last_error TEXT
        );
        CREATE INDEX work_items_claimable ON work_items(pool, state, seq);
        CREATE INDEX work_items_lapsed ON work_items(pool, state, lease_until);
        CREATE INDEX work_items_seq ON work_items(seq);
        CREATE INDEX work_items_worker ON work_items(worker) WHERE worker IS NOT NULL;
        CREATE TABLE workers(
            id TEXT PRIMARY KEY, capabilities TEXT NOT NULL, heartbeat_interval_ms INTEGER NOT NULL, last_heartbeat INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE work_items ADD COLUMN key TEXT;
        CREATE INDEX work_items_key ON work_items(pool, key, state) WHERE key IS NOT NULL;
        """,
    ]

    static var version: Int { migrations.count }

    /// Brings the database to the current version.
    /// - Throws: `CairnError.storage`, or `CairnError.invalidArgument` for a database written by a newer Cairn.
    static func migrate(_ connection: SQLiteConnection) throws {
        try connection.execute("BEGIN IMMEDIATE")
        do {
            let statement = try connection.prepare("PRAGMA user_version")
            _ = try statement.step()
            let current = Int(statement.int(0))
            statement.reset()
            if current > version {
                throw CairnError.invalidArgument("\(connection.path) has schema version \(current), newer than this Cairn knows (\(version)); upgrade Cairn")
            }
            for index in current..<version {
                try connection.execute(migrations[index])
            }
            try connection.execute("PRAGMA user_version = \(version)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
