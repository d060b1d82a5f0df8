extension Client {
    /// Whether every endpoint has a live connection to a peer right now.
    ///
    /// From `zmq_socket_monitor` events read on the I/O thread: an endpoint the client
    /// connects to counts once the ZeroMQ handshake (and with CurveZMQ, authentication)
    /// succeeded, until the connection drops; a bound client counts while at least one
    /// peer is connected to it. `inproc://` endpoints have no such events and always
    /// count. False after `close()`.
    public var isConnected: Bool { connectionStatus.isConnected }

    /// How many endpoints have a live connection (see ``isConnected``).
    public var connectedEndpointCount: Int { connectionStatus.connectedCount }

    /// Returns once every endpoint is connected (at once when it already is), or throws
    /// `RPCError.timeout` (method `"waitConnected"`) after `timeout`, `RPCError.closed`
    /// when the client closes first, or `CancellationError` when the task is cancelled.
    ///
    /// ```swift
    /// let client = try Client(connect: ["tcp://10.0.0.7:4242"])
    /// try await client.waitConnected(timeout: .seconds(5))
    /// ```
    public func waitConnected(timeout: Duration) async throws {
        if isConnected { return }
        let id = connectionStatus.nextWaiterID()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if !queue.enqueue(.connection(.wait(id: id, deadline: deadline, continuation: continuation))) {
                    continuation.resume(throwing: RPCError.closed)
                }
            }
        } onCancel: {
            queue.enqueue(.connection(.cancel(id: id)))
        }
    }

    /// Each endpoint as the client's I/O thread sees it now, in the order they were
    /// given: whether it is connected, how many calls are open on it (what balancing
    /// compares), and what went wrong last ("connection refused", "the connection was
    /// lost", …). Empty after `close()`.
    public func endpoints() async -> [EndpointState] {
        await withCheckedContinuation { (continuation: CheckedContinuation<[EndpointState], Never>) in
            if !queue.enqueue(.endpoints(continuation)) {
                continuation.resume(returning: [])
            }
        }
    }
}

/// One endpoint of a ``Client``, from ``Client/endpoints()``.
public struct EndpointState: Sendable, Hashable {
    /// The endpoint as given to the client, e.g. `"tcp://10.0.0.7:4242"`.
    public let endpoint: String
    /// Whether it has a live connection (see ``Client/isConnected``).
    public let isConnected: Bool
    /// Calls, streams and generators open on it.
    public let openCalls: Int
    /// The last problem its connection had, nil once it connected.
    public let lastError: String?
}
