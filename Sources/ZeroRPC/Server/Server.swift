/// A zerorpc server: a ROUTER socket served by one I/O thread, handlers run as tasks.
///
/// Calls are served as soon as an endpoint is bound or connected; `run()` waits until
/// `close()`, for service lifecycles that expect a long-running method.
public final class Server: Sendable {
    private struct Lifecycle {
        var queue: CommandQueue<ServerCommand>?
        var isClosed = false
    }

    /// The name `_zerorpc_name` and `_zerorpc_ping` report.
    public let name: String
    let options: ServerOptions
    /// The deferred-result machinery, owned here and passed to whatever needs it: the
    /// handler invocations (the budget race), the `_zpc_*` requests and the loop's drain.
    let deferredRuntime: DeferredRuntime
    let methods = MethodTable()
    /// Runs tasks on this server's I/O thread; handlers run here with
    /// ``HandlerExecution/inline``, the default. Until the server's thread starts (at the first
    /// `bind`, `connect` or `run`), jobs run on the global executor.
    public let executor = IOThreadExecutor()
    /// The tasks that run handlers on `executor`, reused from call to call.
    let handlerRunners: HandlerRunners
    private let lifecycle = LockedValue(Lifecycle())

    public init(name: String = "zerorpc-swift", options: ServerOptions = .init()) {
        self.name = name
        var options = options
        options.interceptors = ServerCallLog.wrapping(options.interceptors, logger: options.logger)
        options.malformedInputLog = MalformedInputLog(logger: options.logger)
        self.options = options
        deferredRuntime = DeferredRuntime(options: options)
        handlerRunners = HandlerRunners(executor: executor, maximumIdle: ServerLoop.receiveBatch)
        registerIntrospection()
        registerDeferredRequests()
    }

    deinit {
        lifecycle.withLock { $0.queue }?.enqueue(.close(nil))
    }

    /// Binds an endpoint (`tcp://127.0.0.1:0` picks a free port) and returns the endpoint
    /// actually bound, e.g. `tcp://127.0.0.1:41873`.
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        try options.validate()
        let reply = BlockingReply<String>()
        guard try runningQueue().enqueue(.bind(endpoint, reply)) else { throw RPCError.closed }
        let bound = try reply.wait()
        options.logger.info(
            "zerorpc server: listening", metadata: ["zerorpc.endpoint": "\(bound)", "zerorpc.server": "\(name)"])
        return bound
    }

    /// Connects to an endpoint where a client (or broker) has bound.
    public func connect(_ endpoint: String) throws {
        try options.validate()
        let reply = BlockingReply<Void>()
        guard try runningQueue().enqueue(.connect(endpoint, reply)) else { throw RPCError.closed }
        try reply.wait()
        options.logger.info(
            "zerorpc server: connected", metadata: ["zerorpc.endpoint": "\(endpoint)", "zerorpc.server": "\(name)"])
    }

    /// Attaches to the backend of a ``Broker`` (`zerorpc broker --backend …`): the server
    /// connects there and announces itself, and the broker routes calls to it.
    ///
    /// The announcement is ZeroMQ's `ZMQ_PROBE_ROUTER`, which stays on for the socket: a
    /// server attached to a broker should serve only through brokers, not also `bind`
    /// for direct clients (they would receive an empty probe message).
    public func connect(toBroker endpoint: String) throws {
        try options.validate()
        let reply = BlockingReply<Void>()
        guard try runningQueue().enqueue(.connectToBroker(endpoint, reply)) else { throw RPCError.closed }
        try reply.wait()
    }

    /// Waits until `close()`; calls are served meanwhile (and before, once bound).
    /// Returns at once when the server is already closed.
    public func run() async throws {
        let queue: CommandQueue<ServerCommand>
        do {
            queue = try runningQueue()
        } catch .closed {
            return
        }
        await waitUntilClosed(queue)
    }

    /// Cancels running handlers, closes the socket and stops the I/O thread; returns when
    /// it has. Calling it again is harmless.
    public func close() async {
        deferredRuntime.shutDown()
        let (queue, wasClosed) = lifecycle.withLock { state in
            defer { state.isClosed = true }
            return (state.queue, state.isClosed)
        }
        guard let queue else { return }
        await send(on: queue) { .close($0) }
        if !wasClosed { options.logger.info("zerorpc server: closed", metadata: ["zerorpc.server": "\(name)"]) }
    }

    /// Shuts the server down as `mode` says; returns when it is closed (or, for
    /// ``ShutdownMode/refuseNew``, once new calls are being refused).
    ///
    /// ```swift
    /// await server.shutdown(.graceful(timeout: .seconds(10)))
    /// ```
    public func shutdown(_ mode: ShutdownMode) async {
        let queue = lifecycle.withLock { $0.queue }
        options.logger.info(
            "zerorpc server: shutting down", metadata: ["zerorpc.shutdown": "\(mode)", "zerorpc.server": "\(name)"])
        switch mode {
        case .cancelInFlight:
            await close()
        case .refuseNew:
            guard let queue else { return }
            await send(on: queue) { .refuseNewCalls($0) }
        case .graceful(let timeout), .awaitDeferredClaims(let timeout):
            if let queue {
                let deadline = ContinuousClock.now.advanced(by: timeout)
                let waitsForClaims: Bool
                if case .awaitDeferredClaims = mode { waitsForClaims = true } else { waitsForClaims = false }
                let drain = ServerLifecycle.Drain(deadline: deadline, waitsForClaims: waitsForClaims)
                await send(on: queue) { .drain(drain, $0) }
            }
            await close()
        }
    }

    /// Returns when the server is closed, by `close()` or a `shutdown`; at once when it
    /// already is. Unlike `run()` it never starts the server's thread.
    public func waitClosed() async {
        guard let queue = lifecycle.withLock({ $0.queue }) else { return }
        await waitUntilClosed(queue)
    }

    private func waitUntilClosed(_ queue: CommandQueue<ServerCommand>) async {
        await send(on: queue) { .waitUntilClosed($0) }
    }

    /// Queues the command `make` builds around a waiter and returns once the I/O thread
    /// resumed it (at once when the thread has already stopped).
    private func send(on queue: CommandQueue<ServerCommand>, _ make: (ServerWaiter) -> ServerCommand) async {
        await withCheckedContinuation { continuation in
            let waiter = ServerWaiter(continuation)
            if !queue.enqueue(make(waiter)) { waiter.resume() }
        }
    }

    /// The I/O thread's queue, starting the thread on first use.
    private func runningQueue() throws(RPCError) -> CommandQueue<ServerCommand> {
        try lifecycle.withLock { state throws(RPCError) in
            if let queue = state.queue { return queue }
            guard !state.isClosed else { throw .closed }
            let queue = try CommandQueue<ServerCommand>.started(attachedTo: executor) { queue throws(RPCError) in
                try ServerLoop.start(
                    queue: queue, executor: executor, runners: handlerRunners, methods: methods, options: options,
                    deferredRuntime: deferredRuntime)
            }
            state.queue = queue
            return queue
        }
    }
}

/// How `Server.shutdown(_:)` ends a server.
public enum ShutdownMode: Sendable, Hashable {
    /// Cancel running handlers and close at once (what `close()` does).
    case cancelInFlight
    /// Answer new calls with `ERR ServerShuttingDown` from now on and keep serving those
    /// in flight; the server stays open until a later `shutdown` or `close()`. Lets a
    /// load balancer or a client with several endpoints move away first.
    case refuseNew
    /// Refuse new calls, let the calls in flight (queued ones and running deferred jobs
    /// included) finish, then close; whatever still runs after `timeout` is cancelled.
    /// Heartbeats go on meanwhile.
    case graceful(timeout: Duration)
    /// As ``graceful(timeout:)``, and also wait until the results of deferred calls
    /// were claimed (acknowledged) by their clients. Protocol requests (`_zpc_result`,
    /// `_zpc_ack`, …) are still served meanwhile.
    case awaitDeferredClaims(timeout: Duration)
}
