/// Sends events every connected ``Subscriber`` receives: zerorpc's `Publisher`, a PUB socket.
///
/// ```swift
/// let publisher = try Publisher(bind: "tcp://*:4243")
/// try await publisher.send("price", ["ACME", 12.5])   // or a generated Telemetry.Publisher
/// await publisher.close()
/// ```
///
/// Publishing never waits: a subscriber that is not connected yet misses the event, and
/// one whose queue is full (`highWaterMark`) has it dropped, silently, as PUB/SUB does.
/// Use a ``Pusher`` when every event must be handled. See docs/EVENTS.md.
public final class Publisher: EventSender {
    let socket: SendingSocket

    /// A publisher with no endpoint yet; add them with ``bind(_:)`` and ``connect(_:)``.
    public init(options: EventSenderOptions = .init()) throws {
        socket = try SendingSocket(.publish, options: options)
    }

    /// A publisher bound to `endpoint` (`tcp://…`, `ipc://…`, `inproc://…`).
    public convenience init(bind endpoint: String, options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        try bind(endpoint)
    }

    /// A publisher connected to each of `endpoints`, where subscribers bound.
    public convenience init(connect endpoints: [String], options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        for endpoint in endpoints { try connect(endpoint) }
    }

    deinit { socket.closeInBackground() }

    /// Binds an endpoint and returns the one actually bound (the real port for `tcp://…:0`).
    @discardableResult
    public func bind(_ endpoint: String) throws -> String { try socket.bind(endpoint) }

    /// Connects to an endpoint where a subscriber bound.
    public func connect(_ endpoint: String) throws { try socket.connect(endpoint) }

    /// Publishes one event; returns once ZeroMQ queued it (it never waits for room).
    public func send(_ method: String, arguments: (inout MessagePackWriter) -> Void) async throws {
        try await socket.send(method, arguments: arguments)
    }

    /// Closes the socket; ZeroMQ goes on delivering what was sent for up to
    /// `lingerOnClose`. Calling it again is harmless.
    public func close() async { await socket.close() }
}
