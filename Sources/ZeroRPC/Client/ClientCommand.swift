/// Work a task hands to a client's I/O thread.
///
/// Every payload is of a frozen type or boxed (`indirect`): a `CheckedContinuation` or a
/// `ContinuousClock.Instant` (resilient types) inline gave the enum a layout known only at
/// run time, and every command — a `.call` per call not led by its caller — was copied
/// and destroyed through value witnesses.
enum ClientCommand: Sendable {
    /// Send a request and deliver its reply events to the call's receiver.
    case call(OutgoingCall)
    /// Send a request no reply will answer (a one-way call to a server that announced
    /// the "oneway" extension) and resume `sent` once the socket took it. Unsafe (frozen,
    /// no allocation): the loop resumes it exactly once, or `post` when the queue refused it.
    case post(payload: [UInt8], sent: UnsafeContinuation<Void, any Error>)
    /// The waiting task was cancelled: send `_zpc_close` on the call's channel if it is
    /// open, and fail the call with `CancellationError`.
    case cancel(callID: UInt64)
    /// Send an encoded event (`_zpc_more`, `_zpc_send`, …) on an open channel; dropped
    /// when the channel has ended.
    case send(callID: UInt64, payload: [UInt8])
    /// The consumer let go of a channel: send `_zpc_close` if it is still open, forget it.
    case release(callID: UInt64)
    /// Wait for, or stop waiting for, every endpoint to connect.
    indirect case connection(ConnectionCommand)
    /// `Client.endpoints()`.
    indirect case endpoints(CheckedContinuation<[EndpointState], Never>)
    /// Fail every pending call with `RPCError.closed`, close the sockets and stop.
    indirect case close(CheckedContinuation<Void, Never>?)
}

/// Where the reply events of a call go.
enum ReplyReceiver: Sendable {
    /// A unary call: the first reply event resumes the caller and ends the call. Unsafe
    /// (no allocation, unlike `CheckedContinuation`) because exactly one place resumes
    /// it: the I/O thread when the call leaves its table, or `perform` when the queue
    /// refused the call, which then never reached that table.
    case single(UnsafeContinuation<EventEnvelope, any Error>)
    /// A stream or generator: every event up to the terminal one goes to the inbox.
    case channel(ChannelInbox)
    /// A unary call whose caller waits for the reply on its own thread (`ClientLoop.lead`):
    /// the outcome goes to the call's `OutgoingCall`, where the caller looks for it. Such a
    /// call enters the table the moment it is taken and leaves it only through
    /// `ClientLoop.finish`; it never waits for a connection or in the command queue.
    case led

    /// Ends a call that never reached the call table with `error`. A led call always
    /// did, and ends through its `OutgoingCall` instead.
    func fail(_ error: any Error) {
        switch self {
        case .single(let continuation): continuation.resume(throwing: error)
        case .channel(let inbox): inbox.end(throwing: error)
        case .led: assertionFailure("a led call ends through its PendingCall, never here")
        }
    }
}
