import CSQLite
import ZeroRPC

/// A value bound to or read from an SQL statement.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    var real: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    var text: String? {
        if case .text(let value) = self { value } else { nil }
    }

    var blob: [UInt8]? {
        if case .blob(let value) = self { value } else { nil }
    }
}

/// One SQLite connection and its prepared statements.
///
/// Not `Sendable`: one ``SQLiteWorker`` owns it and uses it on its serial queue only.
/// Every prepared statement is finalized and the database closed exactly once, by
/// ``close()`` or, failing that, by `deinit`.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    /// Opens (creating if needed) the database at `path` in multi-process-safe WAL mode.
    init(path: String, busyTimeout: Duration) throws {
        self.path = path
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        handle = opened
        guard code == SQLITE_OK else {
            let error = ResultStoreError.sqlite(code: code, message: lastErrorMessage, operation: "opening \(path)")
            close()
            throw error
        }
        sqlite3_busy_timeout(opened, Int32(clamping: busyTimeout.wholeMilliseconds))
        sqlite3_extended_result_codes(opened, 1)
    }

    deinit {
        close()
    }

    /// Finalizes every statement and closes the database; later calls do nothing.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close(handle) }
        handle = nil
    }

    /// Runs SQL text that may hold several statements and binds nothing (schema, pragmas).
    func executeScript(_ sql: String) throws {
        guard let handle else { throw ResultStoreError.closed }
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code, "running \(sql.prefix(60))") }
    }

    /// Runs one statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> Int {
        _ = try query(sql, bindings)
        guard let handle else { throw ResultStoreError.closed }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement and returns its rows.
    func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in bindings.enumerated() {
            let code = bind(value, at: Int32(offset + 1), in: statement)
            guard code == SQLITE_OK else { throw failure(code, "binding \(sql.prefix(60))") }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw failure(code, "running \(sql.prefix(60))") }
            let columns = sqlite3_column_count(statement)
            rows.append((0..<columns).map { column(at: $0, of: statement) })
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (rolled back when it throws), so it
    /// takes the write lock up front and never fails to upgrade a read lock.
    func immediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: - Statements

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw ResultStoreError.closed }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw failure(code, "preparing \(sql.prefix(60))")
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            return sqlite3_bind_double(statement, index, real)
        case .text(let text):
            return sqlite3_bind_text(
                statement, index, text, Int32(clamping: text.utf8.count), zerorpc_sqlite_transient())
        case .blob(let bytes):
            guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return bytes.withUnsafeBytes {
                sqlite3_bind_blob(
                    statement, index, $0.baseAddress, Int32(clamping: $0.count), zerorpc_sqlite_transient())
            }
        }
    }

    private func column(at index: Int32, of statement: OpaquePointer) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(statement, index) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }

    // MARK: - Errors

    private var lastErrorMessage: String {
        guard let handle, let message = sqlite3_errmsg(handle) else { return "out of memory" }
        return String(cString: message)
    }

    private func failure(_ code: Int32, _ operation: String) -> ResultStoreError {
        .sqlite(code: code, message: lastErrorMessage, operation: operation)
    }
}
