/// Sends events that exactly one ``Puller`` handles each, fair-queued among the pullers
/// connected: zerorpc's `Pusher`, a PUSH socket. A work queue.
///
/// ```swift
/// let pusher = try Pusher(connect: ["tcp://worker-1:4244", "tcp://worker-2:4244"])
/// try await pusher.send("resize", ["cat.jpg", 640])   // or a generated Jobs.Pusher
/// await pusher.close()
/// ```
///
/// A send waits while no puller has room (none connected yet, or all busy up to their
/// `highWaterMark`): back-pressure. ``EventSenderOptions/sendTimeout`` bounds the wait.
/// See docs/EVENTS.md.
public final class Pusher: EventSenderEndpoint, @unchecked Sendable {
    // @unchecked restated from the base class, as Swift requires; no stored properties here.
    /// A pusher with no endpoint yet; add them with ``EventSenderEndpoint/bind(_:)`` and ``EventSenderEndpoint/connect(_:)``.
    public init(options: EventSenderOptions = .init()) throws {
        try super.init(.push, options: options)
    }

    /// A pusher bound to `endpoint` (`tcp://…`, `ipc://…`, `inproc://…`); pullers connect.
    public convenience init(bind endpoint: String, options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        try bind(endpoint)
    }

    /// A pusher connected to each of `endpoints`, where pullers bound.
    public convenience init(connect endpoints: [String], options: EventSenderOptions = .init()) throws {
        try self.init(options: options)
        for endpoint in endpoints { try connect(endpoint) }
    }
}
