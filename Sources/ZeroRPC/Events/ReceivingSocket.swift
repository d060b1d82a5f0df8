/// The shared core of ``Subscriber`` and ``Puller``: the handler table, the statistics,
/// and the I/O thread (`EventReceiverLoop`), started by the first `bind`, `connect` or
/// `run`, as a `Server`'s is.
final class ReceivingSocket: Sendable {
    private struct Lifecycle {
        var queue: CommandQueue<EventReceiverCommand>?
        var isClosed = false
    }

    let kind: ZMQSocket.Kind
    let options: EventReceiverOptions
    let methods = MethodTable()
    let counters = EventCounters()
    let dispatcher: EventDispatcher
    private let executor = IOThreadExecutor()
    private let lifecycle = LockedValue(Lifecycle())

    init(_ kind: ZMQSocket.Kind, options: EventReceiverOptions) {
        self.kind = kind
        self.options = options
        dispatcher = EventDispatcher(
            methods: methods, counters: counters, log: MalformedInputLog(logger: options.logger),
            interceptors: options.interceptors)
    }

    func bind(_ endpoint: String) throws(RPCError) -> String {
        let reply = BlockingReply<String>()
        guard try runningQueue().enqueue(.bind(endpoint, reply)) else { throw .closed }
        return try reply.wait()
    }

    func connect(_ endpoint: String) throws(RPCError) {
        let reply = BlockingReply<Void>()
        guard try runningQueue().enqueue(.connect(endpoint, reply)) else { throw .closed }
        try reply.wait()
    }

    /// Every method of `service` that events can carry: one-way and unary ones (a unary
    /// method's result is dropped, as stock zerorpc's `Puller` drops it). Streams and
    /// generators need a channel and are left out.
    func register<S: RegistrableService>(_ service: S) throws(RPCError) {
        let prefix = S.namespace.map { "\($0)." } ?? ""
        let entries = service.methods.compactMap { method -> (name: String, entry: MethodEntry)? in
            guard let body = method.invoke else { return nil }
            let wireName = prefix + method.name
            return (
                name: wireName,
                entry: dispatcher.entry(wireName: wireName, parameters: method.parameters, doc: method.doc, body: body)
            )
        }
        if let taken = methods.insert(entries, interface: S.interfaceDefinition) { throw .duplicateMethod(taken) }
    }

    func register(
        name: String, doc: String?,
        handler: @escaping @Sendable ([MessagePackValue], ServerContext) async throws -> Void
    ) throws(RPCError) {
        let entry = dispatcher.entry(wireName: name, parameters: nil, doc: doc) { arguments, context in
            try await handler(try arguments.remainingValues(), context)
            return MessagePackWriter(unallocated: ())
        }
        if let taken = methods.insert([(name, entry)]) { throw .duplicateMethod(taken) }
    }

    func run() async {
        let queue: CommandQueue<EventReceiverCommand>
        do {
            queue = try runningQueue()
        } catch {
            return
        }
        await withCheckedContinuation { continuation in
            if !queue.enqueue(.waitUntilClosed(continuation)) { continuation.resume() }
        }
    }

    func close() async {
        let queue = lifecycle.withLock { state in
            state.isClosed = true
            return state.queue
        }
        guard let queue else { return }
        await withCheckedContinuation { continuation in
            if !queue.enqueue(.close(continuation)) { continuation.resume() }
        }
    }

    /// Starts closing without waiting (the owner went away without `close()`).
    func closeInBackground() {
        lifecycle.withLock { $0.queue }?.enqueue(.close(nil))
    }

    /// The I/O thread's queue, starting the thread on first use.
    private func runningQueue() throws(RPCError) -> CommandQueue<EventReceiverCommand> {
        try lifecycle.withLock { state throws(RPCError) in
            if let queue = state.queue { return queue }
            guard !state.isClosed else { throw .closed }
            let queue = try CommandQueue<EventReceiverCommand>.started(attachedTo: executor) { queue throws(RPCError) in
                try EventReceiverLoop.start(
                    kind, queue: queue, executor: executor, dispatcher: dispatcher, options: options)
            }
            state.queue = queue
            return queue
        }
    }
}
