import Logging

/// Settings of one `Server`.
public struct ServerOptions: Sendable {
    /// How often `_zpc_hb` goes out on each open call; a client silent for two periods is
    /// lost and its handler cancelled. Must match the client's period. Default 5 s.
    public var heartbeatInterval: Duration
    /// Handlers running at once; further calls wait in a queue. Default 1024.
    public var maximumConcurrentCalls: Int
    /// Calls that may wait for a free handler slot; beyond that a call is answered
    /// `ERR ServerBusy`. Default 10 000.
    public var maximumQueuedCalls: Int
    /// The largest message accepted from a client (`ZMQ_MAXMSGSIZE`). Default 64 MiB.
    public var maximumMessageSize: Int
    /// Whether errors that are not IDL-declared go out as their Swift type name and
    /// description (true) or as `InternalError` with a generic message (false, and the
    /// details are logged). Default: on in debug builds, off in release builds.
    public var exposeErrorDetails: Bool
    /// Where handler tasks run. Default ``HandlerExecution/inline``: on the thread that
    /// received the request, moved off it when they hold it (see
    /// ``ioThreadTaskBudget``).
    public var handlerExecution: HandlerExecution
    /// How long one task may hold the server's I/O thread (a handler between two
    /// suspension points) before a standby thread takes over the socket, so replies,
    /// heartbeats and other calls go on while it blocks or computes. A method whose
    /// handler held the thread that long runs on the global concurrent executor from then
    /// on. Default 10 ms: above a scheduler's time slice, so a handler that was merely
    /// preempted on a busy machine is not taken for one that blocks.
    public var ioThreadTaskBudget: Duration
    /// Run around every handler, first to last (see ``ServerInterceptor``). Default none.
    public var interceptors: [any ServerInterceptor]
    /// Where the server logs malformed input, lost clients and handler failures.
    public var logger: Logger
    /// Deferred results: where they wait for their clients, for how long, under which
    /// server id and for whom (see ``ServerOptions/Deferred``). Default: a memory store of
    /// the server's own, a random id, 10 minutes, bearer tokens.
    public var deferred: Deferred
    /// The longest idempotency key (request header `"idem"`) accepted, in UTF-8 bytes; a
    /// longer one is answered `ERR IdempotencyKeyTooLong` and the call does not run.
    /// A store keeps each key as long as its result, so this bounds what one call can
    /// pin. Default 256.
    public var maximumIdempotencyKeyLength: Int = 256
    /// How many idempotency keys this server may hold in its result store at once (keys
    /// of calls running or finished less than ``Deferred/timeToLive`` ago and not yet
    /// acknowledged). Past it a new call with a key is answered `ERR ServerBusy` and does
    /// not run; calls without a key are not affected. Old keys are never evicted: that
    /// would let a resent request run twice. Default 10 000.
    public var maximumIdempotencyKeys: Int = 10_000
    /// How many bytes of replies may wait for one client that does not read them (its
    /// socket refused more). Past it, that client's streams get no more credit until
    /// the queue has drained to half, so their handlers wait as for a slow consumer: a
    /// client that grants huge credit and never reads cannot grow the server's memory.
    /// Default 16 MiB.
    public var maximumQueuedBytesPerPeer: Int = 16 << 20
    /// Encryption and client authentication: ``ServerSecurity/none`` (the default, as
    /// stock zerorpc) or CurveZMQ with an optional allow-list of client keys.
    public var security: ServerSecurity
    /// Where malformed input is reported, rate-limited; `Server.init` gives each server
    /// its own over the final `logger`.
    var malformedInputLog: MalformedInputLog

    /// Server settings; the defaults match stock zerorpc where it has one.
    public init(
        heartbeatInterval: Duration = .seconds(5), maximumConcurrentCalls: Int = 1024,
        maximumQueuedCalls: Int = 10_000, maximumMessageSize: Int = 64 << 20,
        exposeErrorDetails: Bool = ServerOptions.isDebugBuild, handlerExecution: HandlerExecution = .inline,
        ioThreadTaskBudget: Duration = .milliseconds(10),
        logger: Logger = Logger(label: "zerorpc.server"), deferred: Deferred = Deferred(),
        interceptors: [any ServerInterceptor] = [], security: ServerSecurity = .none
    ) {
        self.interceptors = interceptors
        self.handlerExecution = handlerExecution
        self.ioThreadTaskBudget = ioThreadTaskBudget
        self.heartbeatInterval = heartbeatInterval
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.maximumQueuedCalls = maximumQueuedCalls
        self.maximumMessageSize = maximumMessageSize
        self.exposeErrorDetails = exposeErrorDetails
        self.logger = logger
        self.deferred = deferred
        self.security = security
        self.malformedInputLog = MalformedInputLog(logger: logger)
    }

    /// Throws when the settings cannot work together: a malformed allowed client key
    /// (`CurveKeyError`) or a ``ServerConfigurationError``.
    func validate() throws {
        try security.validate()
        if deferred.tokenBinding == .clientKey, case .none = security {
            throw ServerConfigurationError.tokenBindingWithoutCurve
        }
    }

    /// True when the runtime was compiled without optimisations.
    public static var isDebugBuild: Bool {
        #if DEBUG
            true
        #else
            false
        #endif
    }
}

/// Where a server runs its handlers.
public enum HandlerExecution: Sendable, Hashable {
    /// On the server's I/O thread, in the turn that received the request (default): no
    /// thread switch between a request and its handler, or between the handler and its
    /// reply. A handler that holds the thread longer than
    /// ``ServerOptions/ioThreadTaskBudget`` (it blocks, or computes between suspension
    /// points) keeps its thread, and a standby thread takes over the socket, so replies,
    /// heartbeats and other calls go on; its method runs on the global concurrent executor
    /// from then on.
    case inline
    /// Always on Swift's global concurrent executor: for services whose handlers mostly
    /// compute, so each call pays a thread switch each way instead of a takeover now and
    /// then.
    case concurrent

    /// The name of ``inline`` before it became the default and learnt to give the
    /// thread up.
    @available(*, deprecated, renamed: "inline")
    public static var ioThread: HandlerExecution { .inline }
}
