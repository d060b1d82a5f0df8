import Logging

/// Settings of one `Client`.
public struct ClientOptions: Sendable {
    /// How often `_zpc_hb` goes out on each open call; a server silent for two periods is
    /// lost. Must match the server's period. Default 5 s, as stock zerorpc.
    public var heartbeatInterval: Duration
    /// The largest message accepted from a server (`ZMQ_MAXMSGSIZE`). Default 64 MiB.
    public var maximumMessageSize: Int
    /// How long `close()` lets ZeroMQ keep delivering requests already sent (one-way
    /// calls especially) after the socket is closed; the process's ZeroMQ context goes
    /// on sending in the background, so `close()` itself never waits for it. Default 1 s.
    public var lingerOnClose: Duration
    /// Run around every request, first to last (see ``ClientInterceptor``). Default none.
    public var interceptors: [any ClientInterceptor]
    /// Where the client logs dropped or malformed replies.
    public var logger: Logger
    /// Encryption and authentication: ``ClientSecurity/none`` (the default, as stock
    /// zerorpc) or CurveZMQ against a server whose public key the client knows.
    public var security: ClientSecurity
    /// How long one task running on the client's I/O thread may hold it before a standby
    /// thread takes over its sockets (10 ms, as the server's). Internal since the opt-in
    /// `Client.executor` mode was removed; tests that run tasks there set it.
    var ioThreadTaskBudget: Duration = .milliseconds(10)
    /// How long a call waits for some endpoint to be connected before it fails with
    /// ``RPCError/notConnected(endpoints:reason:after:)`` without being sent. Default 5 s.
    public var connectTimeout: Duration
    /// Options for every call of this client, under each call's own: a setting a call
    /// leaves at its built-in default (``CallOptions/defaults``) takes the value from
    /// here (see ``CallOptions/merged(over:)``). Default ``CallOptions/defaults``.
    ///
    /// ```swift
    /// let options = ClientOptions(defaultCallOptions: CallOptions(timeout: .seconds(2)))
    /// ```
    public var defaultCallOptions: CallOptions
    /// How long a caller with no other call open on this client waits for its reply on its
    /// own thread, receiving from the socket itself, before it suspends and leaves the
    /// reply to the I/O thread. Default 2 ms.
    ///
    /// A sequential caller so pays no thread hand-off per call, like a C client blocking
    /// in `zmq_recv`: the I/O thread is not woken to send the request, nor to receive the
    /// reply and resume the caller. The price is one thread of Swift's cooperative pool
    /// blocked (asleep in a receive or `poll`, not spinning) for at most this long, by one
    /// caller per client at a time; calls that overlap others go the usual way. `.zero`
    /// turns it off, and so does a machine with a single core, where a blocked pool thread
    /// might be the one a local handler needs.
    ///
    /// The same holds for a server stream that is the only call open on its client: the
    /// task iterating it, once its buffered items ran out, receives the next ones itself,
    /// waiting up to this long inside libzmq, while the I/O thread leaves the socket alone
    /// (it takes it back 2 ms after the task last received, when another call starts, or
    /// when nothing came within the wait).
    public var callerReplyWait: Duration
    /// Where malformed replies are reported, rate-limited; `Client.init` gives each
    /// client its own over the final `logger`.
    var malformedInputLog: MalformedInputLog

    /// Client settings; the defaults match stock zerorpc.
    public init(
        heartbeatInterval: Duration = .seconds(5), maximumMessageSize: Int = 64 << 20,
        lingerOnClose: Duration = .seconds(1), interceptors: [any ClientInterceptor] = [],
        logger: Logger = Logger(label: "zerorpc.client"), security: ClientSecurity = .none,
        connectTimeout: Duration = .seconds(5),
        defaultCallOptions: CallOptions = .defaults, callerReplyWait: Duration = .milliseconds(2)
    ) {
        self.callerReplyWait = callerReplyWait
        self.connectTimeout = connectTimeout
        self.defaultCallOptions = defaultCallOptions
        self.interceptors = interceptors
        self.heartbeatInterval = heartbeatInterval
        self.maximumMessageSize = maximumMessageSize
        self.lingerOnClose = lingerOnClose
        self.logger = logger
        self.security = security
        self.malformedInputLog = MalformedInputLog(logger: logger)
    }
}
