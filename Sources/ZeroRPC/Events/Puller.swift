/// Handles its share of the events of the ``Pusher``s it is connected to:
/// zerorpc's `Puller`, a PULL socket. Each pushed event goes to exactly one puller.
///
/// ```swift
/// let worker = Puller(options: .init(maximumConcurrentHandlers: 8))
/// try worker.register(Resizer())                 // a generated Service implementation
/// try worker.connect("tcp://jobs:4244")
/// ```
///
/// Up to `maximumConcurrentHandlers` events are in hand at once; past that the socket is
/// not read and the pusher's sends wait (back-pressure). See docs/EVENTS.md.
public final class Puller: Sendable {
    let core: ReceivingSocket

    /// A puller with no endpoint yet. Register handlers first, then ``bind(_:)`` or
    /// ``connect(_:)``: events that arrive before their handler is registered are dropped
    /// as bad events.
    public init(options: EventReceiverOptions = .init()) {
        core = ReceivingSocket(.pull, options: options)
    }

    deinit { core.closeInBackground() }

    /// Binds an endpoint (`tcp://…:0` picks a free port) and returns the one actually
    /// bound; starts receiving.
    @discardableResult
    public func bind(_ endpoint: String) throws -> String { try core.bind(endpoint) }

    /// Connects to an endpoint where a pusher bound; starts receiving.
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
    /// try puller.register(name: "price") { arguments, _ in
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
