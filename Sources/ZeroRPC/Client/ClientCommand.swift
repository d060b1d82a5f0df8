/// Work a task hands to a client's I/O thread.
enum ClientCommand: Sendable {
    /// Send a request and resume `continuation` with the first reply event.
    case call(OutgoingCall)
    /// Send a request no reply will answer (a one-way call to a server that announced
    /// the "oneway" extension) and resume `sent` once the socket took it.
    case post(payload: [UInt8], sent: CheckedContinuation<Void, any Error>)
    /// The calling task was cancelled; fail the call with `CancellationError`.
    case cancel(callID: UInt64)
    /// Wait for, or stop waiting for, every endpoint to connect.
    case connection(ConnectionCommand)
    /// Fail every pending call with `RPCError.closed`, close the sockets and stop.
    case close(CheckedContinuation<Void, Never>?)
}

/// A request ready to send: the whole event is already encoded by the calling task.
struct OutgoingCall: Sendable {
    var callID: UInt64
    var method: String
    /// Raw msgpack of the request's `message_id`, the channel id replies echo.
    var messageID: [UInt8]
    var payload: [UInt8]
    var options: CallOptions
    var continuation: CheckedContinuation<EventEnvelope, any Error>
}
