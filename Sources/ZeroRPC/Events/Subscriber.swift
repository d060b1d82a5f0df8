/// Handles the events of every ``Publisher`` it is connected to: zerorpc's
/// `Subscriber`, a SUB socket subscribed to everything.
///
/// ```swift
/// let subscriber = Subscriber()
/// try subscriber.register(PriceBoard())          // a generated Service implementation
/// try subscriber.connect("tcp://prices:4243")
/// ```
///
/// A subscriber sees only what is published after its subscription reached the
/// publisher (ZeroMQ's "slow joiner"), and loses events when it falls behind by more
/// than the high-water marks: PUB/SUB drops rather than waits. See docs/EVENTS.md.
public final class Subscriber: Sendable {
    let core: ReceivingSocket

    /// A subscriber with no endpoint yet. Register handlers first, then ``bind(_:)`` or
    /// ``connect(_:)``: events that arrive before their handler is registered are dropped
    /// as bad events.
    public init(options: EventReceiverOptions = .init()) {
        core = ReceivingSocket(.sub, options: options)
    }

    deinit { core.closeInBackground() }

    /// Binds an endpoint (`tcp://…:0` picks a free port) and returns the one actually
    /// bound; starts receiving.
    @discardableResult
    public func bind(_ endpoint: String) throws -> String { try core.bind(endpoint) }

    /// Connects to an endpoint where a publisher bound; starts receiving.
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
    /// try subscriber.register(name: "price") { arguments, _ in
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
