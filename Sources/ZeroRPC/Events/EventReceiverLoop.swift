import CZeroMQ
import Logging

/// Work a task hands to a receiver's I/O thread.
enum EventReceiverCommand: Sendable {
    case bind(String, BlockingReply<String>)
    case connect(String, BlockingReply<Void>)
    /// A worker brought the events in hand below half the limit: read again.
    case resumeReading
    case waitUntilClosed(CheckedContinuation<Void, Never>)
    /// Close the socket, end the workers (cancelling running handlers) and stop.
    case close(CheckedContinuation<Void, Never>?)
}

/// The state a ``Subscriber``'s or ``Puller``'s I/O thread owns: the SUB or PULL socket.
/// It reads whole batches of events and hands them to the worker tasks through the
/// `EventInbox` without decoding them (the workers do), so the thread does little more
/// than `zmq_msg_recv`. While the inbox's queue is full it leaves the socket out of its
/// poll: that is the back-pressure, ZeroMQ's queues fill behind it. Its timer adds
/// workers while queued events do not move.
final class EventReceiverLoop {
    static let receiveBatch = 512

    let queue: CommandQueue<EventReceiverCommand>
    let executor: IOThreadExecutor
    private let socket: ZMQSocket
    private let inbox: EventInbox
    private let dispatcher: EventDispatcher
    private let logger: Logger
    private var poller = SocketPoller()
    /// One turn's messages; kept between turns so a turn does not grow a fresh array.
    private var batch: [[UInt8]] = []
    private var readerIsPaused = false
    /// Reading resumed: read without waiting for `ZMQ_FD`, whose edge may be long gone.
    private var readsAtOnce = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var isRunning = true
    /// Its tasks' jobs rarely run here (workers run on the global executor), but the
    /// loop follows the same leader/followers rule as a client's and a server's.
    let leadership = LoopLeadership(budget: .milliseconds(10))
    let turnLock = TurnLock()
    var takeoverLog = RateLimitedLog()

    private init(
        queue: CommandQueue<EventReceiverCommand>, executor: IOThreadExecutor, socket: ZMQSocket,
        inbox: EventInbox, dispatcher: EventDispatcher, logger: Logger
    ) {
        self.queue = queue
        self.executor = executor
        self.socket = socket
        self.inbox = inbox
        self.dispatcher = dispatcher
        self.logger = logger
    }

    /// Starts the I/O thread and creates the socket on it.
    static func start(
        _ kind: ZMQSocket.Kind, queue: CommandQueue<EventReceiverCommand>, executor: IOThreadExecutor,
        dispatcher: EventDispatcher, options: EventReceiverOptions
    ) throws(RPCError) {
        try IOThread.start(
            name: kind == .sub ? "zerorpc-subscriber" : "zerorpc-puller", queue: queue, executor: executor,
            resumeCloseWaiter: { command in
                if case .close(let waiter) = command { waiter?.resume() }
            },
            makeSocket: { () throws(TransportError) -> ZMQSocket in
                let socket = try ZMQSocket(kind)
                try socket.setOption(ZMQ_RCVHWM, Int32(clamping: max(0, options.highWaterMark)))
                try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(options.maximumMessageSize))
                // Every event, as zerorpc's Subscriber: its events have no topic prefix.
                if kind == .sub { try socket.setOption(ZMQ_SUBSCRIBE, string: "") }
                return socket
            },
            runLoop: { socket in
                let loop = EventReceiverLoop(
                    queue: queue, executor: executor, socket: socket,
                    inbox: EventInbox(
                        limit: options.maximumConcurrentHandlers, queueLimit: options.maximumQueuedEvents),
                    dispatcher: dispatcher,
                    logger: options.logger)
                loop.runTurns()
            })
    }

    func handle(_ commands: [EventReceiverCommand]) {
        for command in commands {
            switch command {
            case .bind(let endpoint, let reply):
                socket.bind(endpoint, answering: reply)
            case .connect(let endpoint, let reply):
                socket.connect(endpoint, answering: reply)
            case .resumeReading:
                readerIsPaused = false
                readsAtOnce = true
            case .waitUntilClosed(let waiter):
                closeWaiters.append(waiter)
            case .close(let waiter):
                if let waiter { closeWaiters.append(waiter) }
                isRunning = false
            }
        }
    }

    // MARK: Receiving

    func pollSockets(timeoutMilliseconds timeout: Int) {
        // A paused reader leaves the socket out: polling it would return at once, every
        // turn, while events wait that the reader does not take.
        let watched = readerIsPaused ? 0 : 1
        poller.poll(
            count: watched, socket: { _ in socket }, wantsToWrite: { _ in false }, wakeUp: queue.wakeUp,
            timeoutMilliseconds: readsAtOnce && !readerIsPaused ? 0 : timeout, sleep: sleepUnlocked)
    }

    func serveReadySockets() {
        guard !readerIsPaused, readsAtOnce || poller.isReadable(0) else { return }
        readsAtOnce = false
        receive()
    }

    private func receive() {
        let room = inbox.room
        guard room > 0 else {
            readerIsPaused = true
            return
        }
        do {
            try socket.receiveTurn(batch: min(room, Self.receiveBatch)) { () throws(TransportError) -> Bool in
                // PUB and PUSH send one frame; like zerorpc, take the last of any message.
                guard let payload = try socket.receivePayload() else { return false }
                batch.append(payload)
                return true
            }
        } catch {
            logger.error("zerorpc events: receive failed: \(error)")
        }
        guard !batch.isEmpty else { return }
        dispatcher.counters.countReceived(batch.count)
        admit(inbox.add(batch, at: .now))
        batch.removeAll(keepingCapacity: true)
    }

    private func admit(_ admission: EventInbox.Admission) {
        for _ in 0..<admission.workersToStart { startWorker() }
        if admission.pausesReader { readerIsPaused = true }
        if admission.resumesReader && readerIsPaused {
            readerIsPaused = false
            readsAtOnce = true
        }
    }

    private func startWorker() {
        let inbox = self.inbox
        let dispatcher = self.dispatcher
        let queue = self.queue
        inbox.startWorker(
            Task {
                let resumeReader = { _ = queue.enqueue(.resumeReading) }
                var last = EventDispatcher.LastEntry()
                while true {
                    switch inbox.take(resumeReader: resumeReader) {
                    case .event(let payload):
                        await dispatcher.dispatch(payload, last: &last)
                    case .empty:
                        guard let payload = await inbox.waitForNext(resumeReader: resumeReader) else { return }
                        await dispatcher.dispatch(payload, last: &last)
                    case .closed:
                        return
                    }
                }
            })
    }

    // MARK: Timers and shutdown

    /// Adds a worker when queued events stopped moving (see `EventInbox`).
    func fireTimers(now: ContinuousClock.Instant) {
        admit(inbox.rampUpIfStalled(now: now))
    }

    /// While events wait, wake within a ramp interval to check that they move.
    func pollTimeout(now: ContinuousClock.Instant) -> Int {
        inbox.hasQueuedEvents ? Int(EventInbox.rampInterval.clampedMilliseconds) : -1
    }

    func stop() {
        socket.close()
        let workers = inbox.close()
        for command in queue.close(handingJobsTo: executor) {
            switch command {
            case .bind(_, let reply): reply.fail(.closed)
            case .connect(_, let reply): reply.fail(.closed)
            case .resumeReading: break
            case .waitUntilClosed(let waiter): closeWaiters.append(waiter)
            case .close(let waiter): if let waiter { closeWaiters.append(waiter) }
            }
        }
        let waiters = closeWaiters
        closeWaiters = []
        // `close()` returns once running handlers have seen their cancellation and ended.
        Task {
            for worker in workers { await worker.value }
            for waiter in waiters { waiter.resume() }
        }
    }

    var threadName: String { "zerorpc-events" }

    func noteTakeover() {
        guard takeoverLog.shouldLog() != nil else { return }
        logger.notice("zerorpc events: a task held the receiver's I/O thread; a standby thread took over its socket")
    }
}

extension EventReceiverLoop: IOLoop {}
