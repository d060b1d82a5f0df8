/// Why a call failed on the calling side, as opposed to `RemoteError`, which the server
/// reported. Task cancellation surfaces as `CancellationError`.
public enum RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No reply arrived within `CallOptions.timeout` (or before `CallOptions.deadline`).
    case timeout(method: String, after: Duration)
    /// The server stopped heartbeating for two heartbeat periods while the call was open.
    case lostRemote(method: String)
    /// No endpoint of the client was connected within `ClientOptions.connectTimeout` (or
    /// the call's own timeout, if shorter): the request was never sent. `reason` is what
    /// the connection attempts saw, e.g. "connection refused" or "no answer".
    case notConnected(endpoints: [String], reason: String, after: Duration)
    /// The call's arguments cannot go to this server as they are: a map key other than a
    /// string or binary bound for a stock zerorpc server, which would drop the request
    /// unanswered. Nothing was sent.
    case invalidArgument(method: String, reason: String)
    /// The `Client` or `Server` was closed before the call finished.
    case closed
    /// An endpoint could not be bound or connected.
    case invalidEndpoint(String, reason: String)
    /// The peer sent something zerorpc does not allow, e.g. an unknown reply event.
    case protocolViolation(String)
    /// The reply arrived but its result could not be decoded as the expected type.
    case invalidResult(method: String, reason: String)
    /// `Server.register` was given a wire name the server already serves.
    case duplicateMethod(String)
    /// The server has no deferred result for the token: it never issued it, the result
    /// was already claimed (acknowledged), or it expired so long ago that even its
    /// tombstone is gone. With a `MemoryResultStore` it may also mean the token belongs to
    /// another server. On a server that binds tokens to client keys
    /// (``DeferredTokenBinding/clientKey``), it is also the answer to any key but the
    /// caller's.
    case deferredNotFound(DeferredToken)
    /// The deferred result existed but was not claimed within its time to live.
    case expired(DeferredToken)
    /// The deferred call was cancelled (`Deferred.cancel()`, or a cancelled automatic
    /// wait) before it finished.
    case deferredCancelled(DeferredToken)

    public var description: String {
        switch self {
        case .timeout(let method, let after): "call to '\(method)' timed out after \(after)"
        case .lostRemote(let method): "lost the remote during '\(method)': no heartbeat for two periods"
        case .notConnected(let endpoints, let reason, let after):
            "not connected to \(endpoints.joined(separator: ", ")) after \(after): \(reason); the request was not sent"
        case .invalidArgument(let method, let reason): "cannot call '\(method)': \(reason)"
        case .closed: "the client or server was closed"
        case .invalidEndpoint(let endpoint, let reason): "invalid endpoint '\(endpoint)': \(reason)"
        case .protocolViolation(let detail): "protocol violation: \(detail)"
        case .invalidResult(let method, let reason): "invalid result from '\(method)': \(reason)"
        case .duplicateMethod(let name): "a method named '\(name)' is already registered"
        case .deferredNotFound(let token):
            "no deferred result for token \(token): never issued, already claimed, or long expired"
        case .expired(let token): "the deferred result for token \(token) expired before it was claimed"
        case .deferredCancelled(let token): "the deferred call with token \(token) was cancelled"
        }
    }
}
