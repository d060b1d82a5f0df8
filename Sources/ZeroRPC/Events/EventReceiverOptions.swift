import Logging

/// Settings of a ``Subscriber`` or ``Puller``.
public struct EventReceiverOptions: Sendable {
    /// Handlers running at once, at most. 1 handles events one at a time, in order, as
    /// stock zerorpc's `Puller` does. Fast handlers run on one or two tasks whatever the
    /// limit; more join while queued events wait (docs/EVENTS.md). Default 64.
    public var maximumConcurrentHandlers: Int
    /// Events read ahead and waiting for a handler, at most. While that many wait the
    /// socket is not read, so ZeroMQ's queues fill and a pusher waits (a publisher
    /// drops): the back-pressure. Default 512.
    public var maximumQueuedEvents: Int
    /// `ZMQ_RCVHWM`: events ZeroMQ queues on this side before back-pressure reaches the
    /// sender. Default 1000, ZeroMQ's own.
    public var highWaterMark: Int
    /// The largest event accepted (`ZMQ_MAXMSGSIZE`); a peer sending more is disconnected
    /// by ZeroMQ. Default 64 MiB.
    public var maximumMessageSize: Int
    /// Run around every handler, first to last, as on a `Server` (see ``ServerInterceptor``).
    /// What one throws counts as a handler error. Default none.
    public var interceptors: [any ServerInterceptor]
    /// Where bad events and handler errors are logged: at most ten lines per ten seconds,
    /// then a count of the lines left out (``EventReceiverStatistics`` counts them all).
    public var logger: Logger

    /// Receiver settings.
    public init(
        maximumConcurrentHandlers: Int = 64, maximumQueuedEvents: Int = 512, highWaterMark: Int = 1000,
        maximumMessageSize: Int = 64 << 20,
        interceptors: [any ServerInterceptor] = [], logger: Logger = Logger(label: "zerorpc.events")
    ) {
        self.maximumConcurrentHandlers = maximumConcurrentHandlers
        self.maximumQueuedEvents = maximumQueuedEvents
        self.highWaterMark = highWaterMark
        self.maximumMessageSize = maximumMessageSize
        self.interceptors = interceptors
        self.logger = logger
    }
}

/// What a ``Subscriber`` or ``Puller`` has received and done so far.
public struct EventReceiverStatistics: Sendable, Hashable {
    /// Messages read from the socket.
    public var received: UInt64
    /// Events whose handler returned.
    public var handled: UInt64
    /// Messages dropped without running a handler: not a zerorpc event, a method nothing
    /// is registered for, or arguments that do not fit the method (wrong count or type).
    public var badEvents: UInt64
    /// Events whose handler (or an interceptor) threw.
    public var handlerErrors: UInt64

    public init(received: UInt64 = 0, handled: UInt64 = 0, badEvents: UInt64 = 0, handlerErrors: UInt64 = 0) {
        self.received = received
        self.handled = handled
        self.badEvents = badEvents
        self.handlerErrors = handlerErrors
    }
}
