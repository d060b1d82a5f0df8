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
public final class Publisher: EventSenderEndpoint, @unchecked Sendable {
    // @unchecked restated from the base class, as Swift requires; no stored properties here.
    /// A publisher with no endpoint yet; add them with ``EventSenderEndpoint/bind(_:)`` and ``EventSenderEndpoint/connect(_:)``.
    public init(options: EventSenderOptions = .init()) throws {
        try super.init(.publish, options: options)
    }

    /// A publisher bound to `endpoint` (`tcp://…`, `ipc://…`, `inproc://…`); subscribers connect.
    public convenience init(bind endpoint: String, options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        try bind(endpoint)
    }

    /// A publisher connected to each of `endpoints`, where subscribers bound.
    public convenience init(connect endpoints: [String], options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        for endpoint in endpoints { try connect(endpoint) }
    }
}
