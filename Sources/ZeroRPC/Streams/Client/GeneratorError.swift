/// Misuse of a client-side `Generator`, as opposed to failures of the call itself
/// (`RPCError`, `RemoteError`).
public enum GeneratorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The generator was used after `close()`.
    case closed(method: String)
    /// `send(_:)` or `throw(_:)` on a server that did not announce two-way generators
    /// (e.g. a stock Python zerorpc server); only `next()` works there.
    case unsupportedByServer(method: String, operation: String)
    /// Two tasks used the generator at once; its steps are lock-step, one at a time.
    case concurrentUse(method: String)

    public var description: String {
        switch self {
        case .closed(let method): "the generator of '\(method)' was used after close()"
        case .unsupportedByServer(let method, let operation):
            "the server of '\(method)' does not support \(operation)(): it did not announce two-way generators"
        case .concurrentUse(let method): "the generator of '\(method)' was used by two tasks at once"
        }
    }
}
