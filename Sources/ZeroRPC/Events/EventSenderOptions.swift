import Logging

/// Settings of a ``Publisher`` or ``Pusher``.
public struct EventSenderOptions: Sendable {
    /// How long a pusher's `send` waits for room: for a puller to connect, or for a busy
    /// one to take events off its queue. Nil (the default) waits as long as it takes, as
    /// stock zerorpc's `Pusher` does; `.zero` fails at once. A send that runs out of
    /// time throws `RPCError.timeout`. A publisher never waits (PUB/SUB drops instead),
    /// so it ignores this.
    public var sendTimeout: Duration?
    /// `ZMQ_SNDHWM`: events ZeroMQ queues for each connected peer. Past it a pusher waits
    /// and a publisher drops the event for that subscriber. Default 1000, ZeroMQ's own.
    public var highWaterMark: Int
    /// How long `close()` lets ZeroMQ go on delivering events already sent. Default 1 s.
    public var lingerOnClose: Duration
    /// Where the sender logs failed sends.
    public var logger: Logger

    /// Sender settings; the defaults match stock zerorpc and ZeroMQ.
    public init(
        sendTimeout: Duration? = nil, highWaterMark: Int = 1000, lingerOnClose: Duration = .seconds(1),
        logger: Logger = Logger(label: "zerorpc.events")
    ) {
        self.sendTimeout = sendTimeout
        self.highWaterMark = highWaterMark
        self.lingerOnClose = lingerOnClose
        self.logger = logger
    }
}

extension Duration {
    /// Whole milliseconds, rounded up and clamped to what a socket option or `poll(2)`
    /// takes; zero or negative durations give 0.
    var clampedMilliseconds: Int32 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        guard seconds < Int64(Int32.max / 1000) else { return .max }
        return Int32(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
