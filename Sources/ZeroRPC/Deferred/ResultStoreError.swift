/// A storage failure of a ``ResultStore``. Unknown or expired tokens are not errors; they
/// are ``DeferredLookup`` answers.
public enum ResultStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store was closed.
    case closed
    /// SQLite failed: its result code, its message, and what the store was doing.
    case sqlite(code: Int32, message: String, operation: String)
    /// A database server (PostgreSQL) refused or failed a statement: its message and
    /// what the store was doing.
    case database(message: String, operation: String)
    /// The database server could not be reached, or did not answer within the store's
    /// timeout (down, restarting, the network): why, and what the store was doing.
    case unreachable(reason: String, operation: String)
    /// The file (or database schema, named by `path`) holds a schema newer than this code
    /// understands.
    case unsupportedSchema(version: Int64, path: String)
    /// A row in the file does not decode (written by a foreign or broken program).
    case corruptEntry(String)

    public var description: String {
        switch self {
        case .closed: "the result store is closed"
        case .sqlite(let code, let message, let operation): "SQLite error \(code) while \(operation): \(message)"
        case .database(let message, let operation): "database error while \(operation): \(message)"
        case .unreachable(let reason, let operation): "database unreachable while \(operation): \(reason)"
        case .unsupportedSchema(let version, let path):
            "\(path) holds result store schema version \(version), newer than this build understands"
        case .corruptEntry(let detail): "corrupt result store entry: \(detail)"
        }
    }
}
