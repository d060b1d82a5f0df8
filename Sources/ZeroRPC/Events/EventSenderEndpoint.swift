/// What ``Publisher`` and ``Pusher`` share: their endpoints, `send` and `close`, each
/// forwarded to the one `SendingSocket` they own. Only the socket's pattern differs.
///
/// Not a type to use on its own: it has no public initializer, and only the two kinds
/// of sender derive from it.
public class EventSenderEndpoint: EventSender, @unchecked Sendable {
    // @unchecked: a non-final class cannot be checked; its one stored property is a
    // `let` of a `Sendable` type, and the subclasses add none.
    let socket: SendingSocket

    init(_ pattern: SendingSocket.Pattern, options: EventSenderOptions) throws(RPCError) {
        socket = try SendingSocket(pattern, options: options)
    }

    deinit { socket.closeInBackground() }

    /// Binds an endpoint (`tcp://…`, `ipc://…`, `inproc://…`; `tcp://…:0` picks a free
    /// port) and returns the one actually bound; receivers connect to it.
    @discardableResult
    public func bind(_ endpoint: String) throws -> String { try socket.bind(endpoint) }

    /// Connects to an endpoint where a receiver (a subscriber or a puller) bound.
    public func connect(_ endpoint: String) throws { try socket.connect(endpoint) }

    /// Sends one event; returns once ZeroMQ queued it. A publisher never waits; a pusher
    /// waits while no puller has room, up to ``EventSenderOptions/sendTimeout``.
    public func send(_ method: String, arguments: (inout MessagePackWriter) -> Void) async throws {
        try await socket.send(method, arguments: arguments)
    }

    /// Fails sends still waiting for room (a pusher's) with `RPCError.closed` and closes
    /// the socket; ZeroMQ goes on delivering what was sent for up to `lingerOnClose`.
    /// Calling it again is harmless.
    public func close() async { await socket.close() }
}
