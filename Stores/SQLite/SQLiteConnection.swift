import CSQLite
import CairnCore
import Foundation
import Synchronization

/// One SQLite connection, used by one thread at a time. Every failure becomes a
/// `CairnError.storage` that quotes SQLite's message and names the statement.
final class SQLiteConnection: @unchecked Sendable {
    // @unchecked: a connection is used by one thread at a time (the writer thread, or a reader
    // that took it out of the pool); SQLite is opened in multi-thread mode.
    private var handle: OpaquePointer?
    let path: String
    fileprivate var statements: [String: Statement] = [:]

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(path: String, create: Bool) throws {
        self.path = path
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(code)"
            sqlite3_close(handle)
            if !create && code == SQLITE_CANTOPEN {
                throw CairnError.invalidArgument("no Cairn store at \(path); create one with 'cairn start -b sqlite://\(path)'")
            }
            throw CairnError.storage("open \(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    func failure(_ what: String, _ code: Int32) -> CairnError {
        .storage("sqlite \(path): \(what): \(String(cString: sqlite3_errmsg(handle))) (code \(code))")
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    func execute(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(sql.prefix(60).description, code) }
    }

    func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw failure("prepare \(sql.prefix(60))", code) }
        return Statement(statement: statement, connection: self, sql: sql)
    }

    /// A prepared statement; reset after each use.
    final class Statement {
        let statement: OpaquePointer
        unowned let connection: SQLiteConnection
        let sql: String

        init(statement: OpaquePointer, connection: SQLiteConnection, sql: String) {
            self.statement = statement
            self.connection = connection
            self.sql = sql
        }

        deinit { sqlite3_finalize(statement) }

        enum Value {
            case text(String)
            case int(Int64)
            case blob(Data)
            case null
        }

        func bind(_ values: [Value]) throws {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                let code: Int32
                switch value {
                case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, SQLiteConnection.transient)
                case .int(let number): code = sqlite3_bind_int64(statement, index, number)
                case .blob(let data):
                    code = data.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), SQLiteConnection.transient) }
                case .null: code = sqlite3_bind_null(statement, index)
                }
                guard code == SQLITE_OK else { throw connection.failure("bind \(sql.prefix(60))", code) }
            }
        }

        /// Steps once: true if a row is available, false when done.
        func step() throws -> Bool {
            let code = sqlite3_step(statement)
            switch code {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw connection.failure("step \(sql.prefix(60))", code)
            }
        }

        /// Runs a statement that returns no rows.
        func run(_ values: [Value]) throws {
            try bind(values)
            defer { sqlite3_reset(statement) }
            _ = try step()
        }

        func text(_ column: Int32) -> String {
            guard let pointer = sqlite3_column_text(statement, column) else { return "" }
            return String(cString: pointer)
        }

        func optionalText(_ column: Int32) -> String? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : text(column)
        }

        func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

        func optionalInt(_ column: Int32) -> Int64? {
            sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : int(column)
        }

        func blob(_ column: Int32) -> Data {
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return Data() }
            return Data(bytes: pointer, count: count)
        }

        func reset() { sqlite3_reset(statement) }
    }
}

extension SQLiteConnection {
    /// A prepared statement for `sql`, prepared once per connection and reused.
    func cached(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }
}

/// Read connections, one per concurrent reader, opened on demand and kept for reuse.
final class ReaderPool: Sendable {
    private let path: String
    private let setup: String
    private let idle = Mutex<[SQLiteConnection]>([])

    init(path: String, setup: String) {
        self.path = path
        self.setup = setup
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await BlockingIO.run {
            let connection =
                try self.idle.withLock { $0.popLast() }
                ?? {
                    let connection = try SQLiteConnection(path: self.path, create: false)
                    try connection.execute(self.setup)
                    return connection
                }()
            defer { self.idle.withLock { $0.append(connection) } }
            return try body(connection)
        }
    }
}
