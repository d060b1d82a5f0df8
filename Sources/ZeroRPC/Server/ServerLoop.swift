import CZeroMQ
import Logging

/// The state a server's I/O thread owns: the ROUTER socket, open channels, admitted and
/// queued calls, per-peer send queues. Lives and dies on that thread.
final class ServerLoop {
    /// A channel is one call as the protocol sees it: identified by the peer and the
    /// request's `message_id`, heartbeated until its reply goes out.
    struct ChannelKey: Hashable {
        let peer: [UInt8]
        let messageID: ArraySlice<UInt8>

        /// Hashes each field as one block of bytes (see `WireID`).
        func hash(into hasher: inout Hasher) {
            peer.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(peer.count)
            messageID.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    struct OpenChannel {
        let callNumber: UInt64
        let routing: [[UInt8]]
        var nextHeartbeat: ContinuousClock.Instant
        var lastHeartbeatSeen: ContinuousClock.Instant?
        /// A generator closed by its client: the handler is being cancelled and
        /// `STREAM_DONE` goes out once it has ended; its own events are dropped.
        var isClosing = false
    }

    struct AdmittedCall {
        let entry: MethodEntry
        let incoming: IncomingCall
        /// Nil for a one-way call, already answered.
        let channel: ChannelKey?
        var task: Task<Void, Never>?
    }

    /// How many messages the socket may deliver per loop turn, so timers stay on time.
    static let receiveBatch = 512
    static let peerRetryInterval: Duration = .milliseconds(5)

    let queue: CommandQueue<ServerCommand>
    let executor: IOThreadExecutor
    let methods: MethodTable
    let options: ServerOptions
    let socket: ZMQSocket
    var channels: [ChannelKey: OpenChannel] = [:]
    var calls: [UInt64: AdmittedCall] = [:]
    var waitingCalls: [UInt64] = []
    var waitingHead = 0
    var runningCount = 0
    var nextCallNumber: UInt64 = 0
    var blockedPeers: [[UInt8]: OutboundQueue] = [:]
    var closeWaiters: [CheckedContinuation<Void, Never>] = []
    /// The earliest heartbeat tick of any channel (or earlier): channels are only scanned
    /// when it is due, so a request or reply costs O(1) however many calls are open.
    var heartbeatsDue = NextWakeUp()
    var poller = SocketPoller()
    var isRunning = true
    var stallMonitor: IOThreadStallMonitor
    /// Set by a shutdown: new calls are answered `ERR ServerShuttingDown`.
    var refusesNewCalls = false
    /// A graceful shutdown in progress.
    var drain: Drain?

    private init(
        queue: CommandQueue<ServerCommand>, executor: IOThreadExecutor, methods: MethodTable, options: ServerOptions,
        socket: ZMQSocket
    ) {
        self.queue = queue
        self.executor = executor
        self.methods = methods
        self.options = options
        self.socket = socket
        stallMonitor = IOThreadStallMonitor(heartbeatInterval: options.heartbeatInterval)
    }

    /// Starts the I/O thread and creates the ROUTER socket on it.
    static func start(
        queue: CommandQueue<ServerCommand>, executor: IOThreadExecutor, methods: MethodTable, options: ServerOptions
    ) throws(RPCError) {
        let setup = BlockingReply<Void>()
        IOThread.start(name: "zerorpc-server") {
            let socket: ZMQSocket
            do throws(TransportError) {
                socket = try ZMQSocket(.router)
                try socket.setOption(ZMQ_ROUTER_MANDATORY, 1)
                try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(options.maximumMessageSize))
                // issue 14: rejected handshakes at .notice on the server's logger.
                try socket.applySecurity(options.security, logger: options.logger)
            } catch {
                let (remaining, jobs) = queue.close()
                executor.handOffRemainingJobs(jobs)
                for case .close(let waiter?) in remaining { waiter.resume() }
                setup.fail(.protocolViolation(error.description))
                return
            }
            setup.succeed(())
            ServerLoop(queue: queue, executor: executor, methods: methods, options: options, socket: socket).run()
        }
        try setup.wait()
    }

    private func run() {
        runTurns()
    }

    /// Never asks for room to write: a mandatory ROUTER reports `ZMQ_POLLOUT` when any
    /// peer's pipe has room, not the blocked peer's, so asking would turn every turn into
    /// a busy loop while one peer is slow or gone. Blocked peers are retried on a timer
    /// (`peerRetryInterval`) instead.
    func pollSockets(timeoutMilliseconds timeout: Int) {
        poller.poll(
            count: 1, socket: { _ in socket }, wantsToWrite: { _ in false }, wakeUp: queue.wakeUp,
            timeoutMilliseconds: timeout)
    }

    func serveReadySockets() {
        if poller.isReadable(0) { receive() }
    }

    // MARK: Commands

    func handle(_ commands: [ServerCommand]) {
        for command in commands {
            switch command {
            case .bind(let endpoint, let reply):
                do throws(TransportError) {
                    reply.succeed(try socket.bind(endpoint))
                } catch {
                    reply.fail(.invalidEndpoint(endpoint, reason: error.description))
                }
            case .connect(let endpoint, let reply):
                do throws(TransportError) {
                    try socket.connect(endpoint)
                    reply.succeed(())
                } catch {
                    reply.fail(.invalidEndpoint(endpoint, reason: error.description))
                }
            case .finished(let callNumber, let reply):
                finish(callNumber, reply: reply)
            case .streamEvent(let callNumber, let payload):
                sendStreamEvent(payload, callNumber: callNumber)
            case .waitUntilClosed(let waiter):
                closeWaiters.append(waiter)
            case .refuseNewCalls(let waiter):
                refusesNewCalls = true
                waiter.resume()
            case .drain(let deadline, let waitsForClaims, let waiter):
                beginDrain(Drain(deadline: deadline, waitsForClaims: waitsForClaims), waiter: waiter)
            case .close(let waiter):
                if let waiter { closeWaiters.append(waiter) }
                isRunning = false
            }
        }
    }

    // MARK: Receiving

    private func receive() {
        let property: StaticString? = socket.readsPeerPublicKey ? "User-Id" : nil
        do {
            try socket.receiveTurn(batch: Self.receiveBatch) { () throws(TransportError) -> Bool in
                var peerPublicKey: String?
                guard let frames = try socket.receiveMessage(property: property, value: &peerPublicKey) else {
                    return false
                }
                accept(frames, peerPublicKey: peerPublicKey)
                return true
            }
        } catch {
            options.logger.error("zerorpc server: receive failed: \(error)")
        }
    }

    /// Splits `[routing…, "", payload]` (the delimiter may be missing) and acts on it.
    private func accept(_ frames: consuming [[UInt8]], peerPublicKey: String?) {
        guard frames.count >= 2 else {
            options.malformedInputLog.warning("zerorpc server: dropped a message of \(frames.count) frame(s)")
            return
        }
        // The routing frames keep the received array's storage: no copy per message.
        var routing = consume frames
        let payload = routing.removeLast()
        if routing.count >= 2, routing.last?.isEmpty == true { routing.removeLast() }
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
            startCall(event, routing: routing, peerPublicKey: peerPublicKey)
        }
    }

    private func rejectMalformed(_ error: MalformedEvent, routing: [[UInt8]]) {
        guard let messageID = error.messageID else {
            options.malformedInputLog.warning("zerorpc server: dropped a malformed request: \(error.reason)")
            return
        }
        options.malformedInputLog.warning("zerorpc server: malformed request: \(error.reason)")
        send(EventEncoder.error(responseTo: messageID[...], name: "ProtocolError", message: error.reason), to: routing)
    }

    private func route(_ event: EventEnvelope, to key: ChannelKey) {
        guard let channel = channels[key] else {
            options.logger.debug("zerorpc server: dropped '\(event.name)' for an unknown or closed channel")
            return
        }
        switch event.name {
        case "_zpc_hb": channels[key]?.lastHeartbeatSeen = .now
        case "_zpc_close": closeChannel(key, channel)
        default: deliverToHandler(event, callNumber: channel.callNumber)
        }
    }

    private func startCall(_ event: EventEnvelope, routing: [[UInt8]], peerPublicKey: String?) {
        let name = event.name
        if name.hasPrefix("_zpc_") && !DeferredWire.requestNames.contains(name) {
            options.malformedInputLog.warning("zerorpc server: dropped '\(name)' that belongs to no open channel")
            return
        }
        let key = ChannelKey(peer: routing[0], messageID: event.messageID)
        if channels[key] != nil {
            options.malformedInputLog.warning(
                "zerorpc server: dropped a request reusing the open message_id of '\(name)'")
            return
        }
        guard event.argumentsAreArray else {
            reply(to: event, routing: routing, error: "TypeError", "\(name)(): arguments must be an array")
            return
        }
        if refusesNewCalls && !Self.isServedWhileRefusing(name) {
            reply(to: event, routing: routing, error: "ServerShuttingDown", "the server is shutting down")
            return
        }
        guard let entry = methods.entry(named: name) else {
            reply(to: event, routing: routing, error: "NameError", name)
            return
        }
        let waitsForSlot = runningCount >= options.maximumConcurrentCalls
        if waitsForSlot && waitingCalls.count - waitingHead >= options.maximumQueuedCalls {
            options.logger.warning("zerorpc server: busy, refused '\(name)'")
            reply(to: event, routing: routing, error: "ServerBusy", "server busy: too many calls waiting")
            return
        }
        nextCallNumber &+= 1
        let number = nextCallNumber
        var incoming = IncomingCall(event: event, peerIdentity: routing[0], peerPublicKey: peerPublicKey)
        incoming.stream = entry.streaming.map { openStream($0, callNumber: number, event: event, routing: routing) }
        if event.isFlaggedOneway {
            // Our client asked for no reply at all (it saw us announce "oneway").
            calls[number] = AdmittedCall(entry: entry, incoming: incoming, channel: nil)
        } else if entry.isOneway {
            let ok = EventEncoder.encode(
                responseTo: event.messageID,
                extraHeader: ProtocolExtension.replyHeader(answering: event), name: "OK",
                arguments: EventEncoder.okNilArguments)
            send(ok, to: routing)
            calls[number] = AdmittedCall(entry: entry, incoming: incoming, channel: nil)
        } else {
            let nextHeartbeat = ContinuousClock.now.advanced(by: options.heartbeatInterval)
            channels[key] = OpenChannel(callNumber: number, routing: routing, nextHeartbeat: nextHeartbeat)
            heartbeatsDue.consider(nextHeartbeat)
            calls[number] = AdmittedCall(entry: entry, incoming: incoming, channel: key)
        }
        if waitsForSlot {
            waitingCalls.append(number)
        } else {
            run(number)
        }
    }

    private func reply(to event: EventEnvelope, routing: [[UInt8]], error name: String, _ message: String) {
        let reply = EventEncoder.error(
            responseTo: event.messageID, name: name, message: message,
            extraHeader: ProtocolExtension.replyHeader(answering: event))
        send(reply, to: routing)
    }

    // MARK: Handlers

    private func run(_ number: UInt64) {
        guard var call = calls[number] else { return }
        runningCount += 1
        let queue = self.queue
        let entry = call.entry
        let incoming = call.incoming
        let body: @Sendable () async -> Void = {
            let reply = await entry.run(incoming)
            queue.enqueue(.finished(callNumber: number, reply: reply))
        }
        switch options.handlerExecution {
        case .concurrent: call.task = Task(operation: body)
        case .ioThread: call.task = Task(executorPreference: executor, operation: body)
        }
        // Assigned whole: `calls[number]?.task = …` goes through the dictionary's modify
        // coroutine, whose frame for a value this size is heap-allocated every call.
        calls[number] = call
    }

    private func finish(_ number: UInt64, reply: [UInt8]) {
        guard let call = calls.removeValue(forKey: number) else { return }
        runningCount -= 1
        if let key = call.channel, let channel = channels.removeValue(forKey: key) {
            send(channel.isClosing ? StreamEvents.done(responseTo: key.messageID) : reply, to: channel.routing)
        }
        startWaitingCalls()
        if drain != nil { checkDrain(now: .now) }
    }

    /// Moves queued calls into free handler slots, skipping those whose client was lost.
    func startWaitingCalls() {
        while runningCount < options.maximumConcurrentCalls && waitingHead < waitingCalls.count {
            let number = waitingCalls[waitingHead]
            waitingHead += 1
            if calls[number] != nil { run(number) }
        }
        if waitingHead == waitingCalls.count {
            waitingCalls.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 && waitingHead * 2 > waitingCalls.count {
            waitingCalls.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    // MARK: Shutdown

    func stop() {
        for call in calls.values {
            call.task?.cancel()
        }
        calls = [:]
        channels = [:]
        socket.close()
        let (remaining, jobs) = queue.close()
        executor.handOffRemainingJobs(jobs)
        for command in remaining {
            switch command {
            case .bind(_, let reply): reply.fail(.closed)
            case .connect(_, let reply): reply.fail(.closed)
            case .finished, .streamEvent: break
            case .waitUntilClosed(let waiter): waiter.resume()
            case .refuseNewCalls(let waiter): waiter.resume()
            case .drain(_, _, let waiter): waiter.resume()
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
    func warnThreadWasHeld(for duration: Duration) {
        let advice =
            options.handlerExecution == .ioThread
            ? "a handler run with HandlerExecution.ioThread must not block or compute for long; "
                + "serve such methods from a server with .concurrent"
            : "keep work on Server.executor short and non-blocking"
        options.logger.warning(
            "zerorpc server: tasks on the I/O thread held it for \(duration); requests and heartbeats waited: \(advice)"
        )
    }
}
