/// What ``Subscriber`` and ``Puller`` share: endpoints, handler registration,
/// statistics, `run` and `close`, each forwarded to the one `ReceivingSocket` they own.
/// Only the socket's pattern differs.
///
/// Not a type to use on its own: it has no public initializer, and only the two kinds
/// of receiver derive from it.
public class EventReceiverEndpoint: @unchecked Sendable {
    // @unchecked: a non-final class cannot be checked; its one stored property is a
    // `let` of a `Sendable` type, and the subclasses add none.
    let core: ReceivingSocket

    init(_ kind: ZMQSocket.Kind, options: EventReceiverOptions) {
        core = ReceivingSocket(kind, options: options)
    }

    deinit { core.closeInBackground() }

    /// Binds an endpoint (`tcp://…:0` picks a free port) and returns the one actually
    /// bound; starts receiving.
    @discardableResult
    public func bind(_ endpoint: String) throws -> String { try core.bind(endpoint) }

    /// Connects to an endpoint where a sender (a publisher or a pusher) bound; starts
    /// receiving.
    public func connect(_ endpoint: String) throws { try core.connect(endpoint) }

    /// Handles the events of `service` under its namespace (`telemetry.reading`): its
    /// one-way methods, and its unary ones with the result dropped; streams and
    /// generators cannot travel as events and are left out. Arguments are checked as a
    /// `Server` checks them.
    /// - Throws: `RPCError.duplicateMethod` when a wire name is taken; then none of the
    ///   service's methods are added.
    public func register<S: RegistrableService>(_ service: S) throws { try core.register(service) }

    /// Handles `name` with dynamic arguments; no generated code needed.
    ///
    /// ```swift
    /// try receiver.register(name: "price") { arguments, _ in
    ///     print(arguments[0], arguments[1])
    /// }
    /// ```
    public func register(
        name: String, doc: String? = nil,
        handler: @escaping @Sendable ([MessagePackValue], ServerContext) async throws -> Void
    ) throws {
        try core.register(name: name, doc: doc, handler: handler)
    }

    /// What was received, handled and dropped so far.
    public var statistics: EventReceiverStatistics { core.counters.snapshot }

    /// Waits until `close()`; events are handled meanwhile (and before, once an endpoint
    /// is bound or connected). Returns at once when already closed.
    public func run() async { await core.run() }

    /// Stops reading, drops the events not yet handled, cancels running handlers and
    /// returns once they have ended. Calling it again is harmless.
    public func close() async { await core.close() }
}
