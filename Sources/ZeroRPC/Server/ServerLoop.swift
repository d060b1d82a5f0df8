import CZeroMQ
import Logging

/// A server's I/O thread: the ROUTER socket, per-peer send queues, and the I/O that
/// `ServerCallTable`'s decisions about calls and channels ask for. Lives and dies on
/// that thread.
final class ServerLoop {
    typealias ChannelKey = ServerCallTable.ChannelKey
    typealias AdmittedCall = ServerCallTable.AdmittedCall

    /// How many messages the socket may deliver per loop turn, so timers stay on time.
    static let receiveBatch = 512
    static let peerRetryInterval: Duration = .milliseconds(5)

    let queue: CommandQueue<ServerCommand>
    let executor: IOThreadExecutor
    let methods: MethodTable
    let options: ServerOptions
    /// The server's deferred runtime: a drain waits for its jobs (and claims).
    let deferredRuntime: DeferredRuntime
    let socket: ZMQSocket
    // Touched only by the thread holding `turnLock`: no dynamic exclusivity check (see
    // ClientLoop; the lock already makes every access exclusive).
    /// Calls, channels, the waiting queue, heartbeat times and the lifecycle: every
    /// decision about calls, which this loop carries out. Mutated in place, never copied.
    @exclusivity(unchecked) var table: ServerCallTable
    @exclusivity(unchecked) var blockedPeers: [[UInt8]: OutboundQueue] = [:]
    /// Replies this turn made for a client that reads batches, sent before the poll.
    @exclusivity(unchecked) var heldReplies = HeldReplies()
    @exclusivity(unchecked) var closeWaiters: [ServerWaiter] = []
    @exclusivity(unchecked) var poller = SocketPoller()
    /// `methods` as of `methodCacheVersion` (see `method(named:)`).
    @exclusivity(unchecked) var methodCache: [String: MethodEntry] = [:]
    @exclusivity(unchecked) var methodCacheVersion: UInt64 = .max
    /// The method the last request named, as of `methodCacheVersion`: a client calling one
    /// method over and over costs a string comparison, not a hash and a lookup.
    @exclusivity(unchecked) var lastMethod: (name: String, entry: MethodEntry)?
    let leadership: LoopLeadership
    let turnLock = TurnLock()
    /// The tasks that run handlers, reused from call to call (`HandlerRunners`).
    let runners: HandlerRunners
    @exclusivity(unchecked) var takeoverLog = RateLimitedLog()
    /// Per peer: warnings about its input, at most one a second (`warnAboutInput`).
    @exclusivity(unchecked) var inputWarnings: [[UInt8]: RateLimitedLog] = [:]
    /// `malloc_trim` after dead peers are reaped (issue 17: hostile-run RSS).
    @exclusivity(unchecked) var memoryTrim = ServerMemoryTrim()

    private init(
        queue: CommandQueue<ServerCommand>, executor: IOThreadExecutor, runners: HandlerRunners, methods: MethodTable,
        options: ServerOptions, deferredRuntime: DeferredRuntime, socket: ZMQSocket
    ) {
        self.queue = queue
        self.executor = executor
        self.runners = runners
        self.methods = methods
        self.options = options
        self.deferredRuntime = deferredRuntime
        self.socket = socket
        table = ServerCallTable(
            maximumConcurrentCalls: options.maximumConcurrentCalls, maximumQueuedCalls: options.maximumQueuedCalls,
            heartbeatInterval: options.heartbeatInterval)
        leadership = LoopLeadership(budget: options.ioThreadTaskBudget)
    }

    /// Starts the I/O thread and creates the ROUTER socket on it.
    static func start(
        queue: CommandQueue<ServerCommand>, executor: IOThreadExecutor, runners: HandlerRunners, methods: MethodTable,
        options: ServerOptions, deferredRuntime: DeferredRuntime
    ) throws(RPCError) {
        try IOThread.start(
            name: "zerorpc-server", queue: queue, executor: executor,
            resumeCloseWaiter: { command in
                if case .close(let waiter) = command { waiter?.resume() }
            },
            makeSocket: { () throws(TransportError) -> ZMQSocket in
                let socket = try ZMQSocket(.router)
                try socket.setOption(ZMQ_ROUTER_MANDATORY, 1)
                try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(options.maximumMessageSize))
                // Replies and stream items go out in bursts: keep their frees lock-free.
                socket.copiesMidSizeFramesApart = true
                // issue 14: rejected handshakes at .notice on the server's logger.
                try socket.applySecurity(options.security, logger: options.logger)
                return socket
            },
            runLoop: { socket in
                ServerLoop(
                    queue: queue, executor: executor, runners: runners, methods: methods, options: options,
                    deferredRuntime: deferredRuntime, socket: socket
                ).run()
            })
    }

    private func run() {
        runTurns()
    }

    /// Never asks for room to write: a mandatory ROUTER reports `ZMQ_POLLOUT` when any
    /// peer's pipe has room, not the blocked peer's, so asking would turn every turn into
    /// a busy loop while one peer is slow or gone. Blocked peers are retried on a timer
    /// (`peerRetryInterval`) instead.
    func pollSockets(timeoutMilliseconds timeout: Int) {
        if !heldReplies.isEmpty { sendHeldReplies() }
        poller.poll(
            count: 1, socket: { _ in socket }, wantsToWrite: { _ in false }, wakeUp: queue.wakeUp,
            timeoutMilliseconds: timeout, sleep: sleepUnlocked)
    }

    func serveReadySockets() {
        if poller.isReadable(0) { receive() }
    }

    // MARK: Commands

    func handle(_ commands: [ServerCommand]) {
        for command in commands {
            switch command {
            case .bind(let endpoint, let reply):
                socket.bind(endpoint, answering: reply)
            case .connect(let endpoint, let reply):
                socket.connect(endpoint, answering: reply)
            case .connectToBroker(let endpoint, let reply):
                // A fresh pipe per connection (IMMEDIATE) re-sends the probe after the
                // broker restarts.
                socket.connect(endpoint, options: [(ZMQ_PROBE_ROUTER, 1), (ZMQ_IMMEDIATE, 1)], answering: reply)
            case .finished(let callNumber, let reply):
                finish(callNumber, reply: reply, mayHold: true)
            case .flushStream(let callNumber):
                flushStream(callNumber)
            case .waitUntilClosed(let waiter):
                closeWaiters.append(waiter)
            case .refuseNewCalls(let waiter):
                table.refuseNewCalls()
                waiter.resume()
            case .drain(let drain, let waiter):
                beginDrain(drain, waiter: waiter)
            case .close(let waiter):
                if let waiter { closeWaiters.append(waiter) }
                table.close()
            }
        }
    }

    // MARK: Receiving

    private func receive() {
        let property: StaticString? = socket.readsPeerPublicKey ? "User-Id" : nil
        do {
            try socket.receiveTurn(batch: Self.receiveBatch) { () throws(TransportError) -> Bool in
                var peerPublicKey: String?
                guard
                    let (routing, payload) = try socket.receiveRoutedPayload(property: property, value: &peerPublicKey)
                else {
                    return false
                }
                accept(routing, payload: payload, peerPublicKey: peerPublicKey)
                return true
            }
        } catch {
            options.logger.error("zerorpc server: receive failed: \(error)")
        }
    }

    /// Acts on `[routing…, "", payload]` (the delimiter may be missing): `routing` are the
    /// frames before the payload, without the delimiter (`receiveRoutedPayload`).
    private func accept(_ routing: [[UInt8]], payload: ReceivedFrame, peerPublicKey: String?) {
        guard !routing.isEmpty else {
            warnAboutInput(from: payload.array, "dropped a message of 1 frame(s)")
            return
        }
        let peer = routing[0]
        let event: EventEnvelope
        do {
            event = try EventEnvelope(decoding: payload)
        } catch {
            rejectMalformed(error, routing: routing)
            return
        }
        if let channelID = event.responseTo {
            route(event, to: ChannelKey(peer: peer, messageID: channelID))
        } else {
            startCall(consume event, routing: routing, peerPublicKey: peerPublicKey)
        }
    }

    /// Logs a warning about what a peer sent, at most once per peer per second, with the
    /// number held back since: a peer sending 10,000 malformed messages costs a line a
    /// second, not 10,000.
    func warnAboutInput(from peer: [UInt8], _ message: @autoclosure () -> String) {
        if inputWarnings.count > 4096 { inputWarnings.removeAll() }
        var limiter = inputWarnings[peer] ?? RateLimitedLog(quietPeriod: .seconds(1))
        if let held = limiter.shouldLog() {
            let more = held > 0 ? " (and \(held) more from this peer since the last warning)" : ""
            // Then the server-wide cap: many peers at once still cost a few lines.
            options.malformedInputLog.warning("zerorpc server: \(message())\(more)")
        }
        inputWarnings[peer] = limiter
    }

    private func rejectMalformed(_ error: MalformedEvent, routing: [[UInt8]]) {
        guard let messageID = error.messageID else {
            warnAboutInput(from: routing[0], "dropped a malformed request: \(error.reason)")
            return
        }
        warnAboutInput(from: routing[0], "malformed request: \(error.reason)")
        send(EventEncoder.error(responseTo: messageID[...], name: "ProtocolError", message: error.reason), to: routing)
    }

    private func route(_ event: EventEnvelope, to key: ChannelKey) {
        guard let channel = table.channels[key] else {
            options.logger.debug("zerorpc server: dropped '\(event.name)' for an unknown or closed channel")
            return
        }
        switch event.kind {
        case .heartbeat: table.noteHeartbeat(on: key, now: .now)
        case .close: closeChannel(key, channel)
        default: deliverToHandler(event, callNumber: channel.callNumber)
        }
    }

    /// `event` and the pieces of the call are moved, not copied, into the admitted call:
    /// each copy of an envelope or a routing frame went through outlined value witnesses.
    private func startCall(_ event: consuming EventEnvelope, routing: [[UInt8]], peerPublicKey: String?) {
        let name = event.name
        if name.utf8.first == UInt8(ascii: "_") && name.hasPrefix("_zpc_") && !DeferredWire.requestNames.contains(name)
        {
            warnAboutInput(from: routing[0], "'\(name)' belongs to no open channel")
            reply(
                to: event, routing: routing, error: "ProtocolError",
                "'\(name)' needs the response_to of an open channel")
            return
        }
        let key = ChannelKey(peer: routing[0], messageID: event.messageID)
        if table.channels[key] != nil {
            warnAboutInput(from: routing[0], "dropped a request reusing the open message_id of '\(name)'")
            return
        }
        guard event.argumentsAreArray else {
            reply(to: event, routing: routing, error: "TypeError", "\(name)(): arguments must be an array")
            return
        }
        if table.lifecycle.refusesNewCalls && !Self.isServedWhileRefusing(name) {
            reply(to: event, routing: routing, error: "ServerShuttingDown", "the server is shutting down")
            return
        }
        guard let entry = method(named: name) else {
            reply(to: event, routing: routing, error: "NameError", name)
            return
        }
        if table.admission == .refused {
            warnAboutInput(from: routing[0], "busy, refused '\(name)'")
            reply(to: event, routing: routing, error: "ServerBusy", "server busy: too many calls waiting")
            return
        }
        if entry.isOneway && !event.isFlaggedOneway, let refusal = entry.refuseArguments?(event) {
            send(refusal, to: routing)  // bad arguments: ERR instead of the early OK
            return
        }
        let number = table.takeCallNumber()
        // One reading of the clock for the arrival and the channel's first heartbeat.
        let now = ContinuousClock.now
        let readsBatches = ProtocolExtension.announcesBatches(event)
        let stream = entry.streaming.map {
            openStream($0, callNumber: number, event: event, routing: routing, readsBatches: readsBatches)
        }
        var channel: ChannelKey?
        if event.isFlaggedOneway {
            // Our client asked for no reply at all (it saw us announce "oneway").
        } else if entry.isOneway {
            let ok = EventEncoder.encode(
                responseTo: event.messageID,
                extraHeader: ProtocolExtension.replyHeader(answering: event), name: EventName.ok,
                arguments: EventEncoder.okNilArguments)
            send(ok, to: routing)
        } else {
            table.openChannel(key, callNumber: number, routing: routing, now: now, readsBatches: readsBatches)
            channel = consume key
        }
        let incoming = IncomingCall(
            event: consume event, peerIdentity: routing[0], peerPublicKey: peerPublicKey,
            arrivedAfter: ClockOffset.of(now),
            stream: stream)
        let call = AdmittedCall(number: number, entry: entry, incoming: consume incoming, channel: consume channel)
        if table.admit(call) { start(call) }
    }

    private func reply(to event: EventEnvelope, routing: [[UInt8]], error name: String, _ message: String) {
        let reply = EventEncoder.error(
            responseTo: event.messageID, name: name, message: message,
            extraHeader: ProtocolExtension.replyHeader(answering: event))
        send(reply, to: routing)
    }

    // MARK: Handlers

    /// Starts `call`'s handler: on a runner that prefers this I/O thread's executor
    /// (`HandlerExecution.inline`, the default) unless its method once held the thread,
    /// else in a task of its own on the concurrent executor. Either sends its own reply
    /// when it ends (`finishDirectly`).
    private func start(_ call: AdmittedCall) {
        let access = Access(loop: self)
        let entry = call.entry
        if options.handlerExecution == .inline && !entry.heldIOThread.isSet {
            call.handler = .runner(runners.start(call, replyingTo: access))
        } else {
            let number = call.number
            let incoming = call.incoming
            call.handler = .task(
                Task {
                    let reply = await entry.run(incoming)
                    access.finished(number, reply: reply)
                })
        }
    }

    /// A runner's work: `call`'s handler, then its reply. Still on the thread that started
    /// it but no longer leading the loop means a standby took the socket while this
    /// handler held the thread: its method's later calls start on the concurrent executor.
    nonisolated(nonsending) static func run(
        _ assignment: consuming HandlerRunners.Assignment, executor: IOThreadExecutor
    ) async {
        let call = assignment.call
        let reply: [UInt8]
        if let invocation = call.entry.invocation {
            reply = await HandlerInvocation.reply(to: call.incoming, invocation)
        } else {
            reply = await call.entry.run(call.incoming)
        }
        if !executor.isCurrent { call.entry.heldIOThread.set() }
        assignment.loop.finished(call.number, reply: reply)
    }

    /// Cancels `call`'s handler if it runs.
    func cancelHandler(of call: AdmittedCall) {
        switch call.handler {
        case .task(let task): task.cancel()
        case .runner(let runner): runners.cancel(runner, runningCall: call.number)
        case nil: break
        }
    }

    /// The loop as a handler task holds it: every use takes the loop's `TurnLock` first.
    struct Access: @unchecked Sendable {
        let loop: ServerLoop

        /// A handler ended: its reply goes out from this thread when the loop's lock is
        /// free at once — the I/O thread runs this very job, or sleeps in its poll — and
        /// through the queue (`.finished`) when the I/O thread is mid-turn.
        func finished(_ number: UInt64, reply: [UInt8]) {
            if !loop.finishDirectly(number, reply: reply) {
                loop.queue.enqueue(.finished(callNumber: number, reply: reply))
            }
        }
    }

    /// `Access.finished`, under the lock: false (nothing done) when the lock is taken or a
    /// shutdown is under way (the I/O thread must see the call end to stop).
    private func finishDirectly(_ number: UInt64, reply: [UInt8]) -> Bool {
        guard turnLock.tryLock() else { return false }
        defer { turnLock.unlock() }
        switch table.lifecycle {
        case .running, .refusingNewCalls: break
        case .draining, .closing, .stopped: return false
        }
        // The leader running this job polls next and asks the socket then; a leader asleep
        // on the socket's edge-triggered descriptor may have lost its signal to the send,
        // or must arm a retry timer for a blocked peer: it is woken.
        let leadsHere = executor.isCurrent
        finish(number, reply: reply, mayHold: leadsHere)
        if !leadsHere {
            if socket.pendingEvents() & Int16(ZMQ_POLLIN) != 0 {
                socket.markNeedsEventCheck()
                queue.wakeIfAsleep()
            } else if !blockedPeers.isEmpty {
                queue.wakeIfAsleep()
            }
        }
        return true
    }

    /// Ends call `number` with `reply`. With `mayHold` (on the leader, mid-turn) a reply
    /// for a client that reads batches waits for the turn's other replies to it
    /// (`hold`); a thread that is not the leader sends at once, as the leader may be
    /// asleep in its poll.
    private func finish(_ number: UInt64, reply: [UInt8], mayHold: Bool) {
        guard let (call, channel) = table.finish(number) else { return }
        // The last items go out before the final event even to a full queue: at most one
        // outbox (`StreamOutbox.roomLimit`) past the bound, and the stream is over.
        if let outbox = call.incoming.stream?.outbox {
            flush(outbox, number: number, on: channel, evenIfPeerIsFull: true)
        }
        if let channel, let key = call.channel {
            let last = channel.isClosing ? StreamEvents.done(responseTo: key.messageID) : reply
            if mayHold && channel.readsBatches {
                hold(last, for: channel.routing)
            } else {
                send(last, to: channel.routing)
            }
        }
        startWaitingCalls()
        if case .draining = table.lifecycle { checkDrain(now: .now) }
    }

    /// The method named `name`, from a copy of the table refreshed when it changed: no lock
    /// and no copy of the whole entry per request.
    private func method(named name: String) -> MethodEntry? {
        let version = methods.version
        if version != methodCacheVersion {
            methodCache = methods.entries
            methodCacheVersion = version
            lastMethod = nil
        }
        if let lastMethod, lastMethod.name == name { return lastMethod.entry }
        guard let entry = methodCache[name] else { return nil }
        lastMethod = (name, entry)
        return entry
    }

    /// Moves queued calls into free handler slots, skipping those whose client was lost.
    func startWaitingCalls() {
        while let call = table.takeNextWaitingCall() { start(call) }
    }

    // MARK: Shutdown

    func stop() {
        if !heldReplies.isEmpty { sendHeldReplies() }
        for call in table.calls.values {
            cancelHandler(of: call)
        }
        runners.close()
        table.stop()
        socket.close()
        for command in queue.close(handingJobsTo: executor) {
            switch command {
            case .bind(_, let reply): reply.fail(.closed)
            case .connect(_, let reply), .connectToBroker(_, let reply): reply.fail(.closed)
            case .finished, .flushStream: break
            case .waitUntilClosed(let waiter): waiter.resume()
            case .refuseNewCalls(let waiter): waiter.resume()
            case .drain(_, let waiter): waiter.resume()
            case .close(let waiter): waiter?.resume()
            }
        }
        for waiter in closeWaiters {
            waiter.resume()
        }
        closeWaiters = []
    }
}

extension ServerLoop: IOLoop {
    var threadName: String { "zerorpc-server" }

    /// A stored field of the table, not a computed property of it: no copy of the table.
    var isRunning: Bool { table.lifecycle.isRunning }

    func noteTakeover() {
        guard let held = takeoverLog.shouldLog() else { return }
        let earlier = held > 0 ? " (\(held) more since the last note)" : ""
        options.logger.notice(
            """
            zerorpc server: a task held the I/O thread past \(options.ioThreadTaskBudget); a standby thread \
            took over the socket\(earlier). Handlers that block or compute run on the concurrent executor \
            from their next call on; HandlerExecution.concurrent starts every handler there.
            """)
    }
}
