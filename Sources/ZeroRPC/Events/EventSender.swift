/// The sending side of the one-way event patterns, ``Publisher`` and ``Pusher``: what
/// generated `Events` structs call. Each event is a zerorpc request with no reply,
/// `[{message_id, v: 3}, method, args]` in one frame, as stock zerorpc sends it.
public protocol EventSender: Sendable {
    /// Sends one event and returns once ZeroMQ has queued it.
    ///
    /// - Parameters:
    ///   - method: The full wire name, e.g. `"telemetry.reading"`.
    ///   - arguments: Writes the whole positional argument array.
    /// - Throws: `RPCError.closed` after `close()`; a pusher's `RPCError.timeout` when no
    ///   puller had room within `EventSenderOptions.sendTimeout`; `CancellationError`.
    func send(_ method: String, arguments: (inout MessagePackWriter) -> Void) async throws

    /// Closes the socket; ZeroMQ goes on delivering what was sent for up to
    /// `EventSenderOptions.lingerOnClose`. Calling it again is harmless.
    func close() async
}

extension EventSender {
    /// Sends one event with dynamic arguments; no generated code needed.
    ///
    /// ```swift
    /// try await publisher.send("price", ["ACME", 12.5])
    /// ```
    public func send(_ method: String, _ arguments: [MessagePackValue]) async throws {
        try await send(method) { writer in
            writer.writeArrayHeader(arguments.count)
            for argument in arguments { writer.write(argument) }
        }
    }
}

extension SendingSocket {
    /// Encodes the event and sends it (see ``EventSender/send(_:arguments:)``).
    func send(_ method: String, arguments: (inout MessagePackWriter) -> Void) async throws {
        var writer = MessagePackWriter()
        arguments(&writer)
        let payload = EventEncoder.encode(responseTo: nil, name: method, arguments: writer)
        if try sendsAtOnce(payload) { return }
        try await sendWhenThereIsRoom(method, payload: payload)
    }
}
