/// A storage failure of a ``ResultStore``. Unknown or expired tokens are not errors; they
/// are ``DeferredLookup`` answers.
public enum ResultStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store was closed.
    case closed
    /// SQLite failed: its result code, its message, and what the store was doing.
    case sqlite(code: Int32, message: String, operation: String)
    /// The file holds a schema newer than this code understands.
    case unsupportedSchema(version: Int64, path: String)
    /// A row in the file does not decode (written by a foreign or broken program).
    case corruptEntry(String)

    public var description: String {
        switch self {
        case .closed: "the result store is closed"
        case .sqlite(let code, let message, let operation): "SQLite error \(code) while \(operation): \(message)"
        case .unsupportedSchema(let version, let path):
            "\(path) holds result store schema version \(version), newer than this build understands"
        case .corruptEntry(let detail): "corrupt result store entry: \(detail)"
        }
    }
}
