import CZeroMQ

/// The broker's thread: owns both ROUTER sockets, polls them, and moves each message to
/// the side its routing says. Created, used and closed on that one thread.
final class BrokerLoop {
    let frontendEndpoint: String
    let backendEndpoint: String

    private let frontend: ZMQSocket
    private let backend: ZMQSocket
    private let options: BrokerOptions
    private let wakeUp: WakeUpSignal
    private let state: LockedValue<Broker.SharedState>
    private var routes = BrokerRoutes()
    private var lastExpiry = ContinuousClock.now

    /// Messages each peer's pipe holds before the broker drops (and logs) one.
    static let pipeDepth: Int32 = 100_000

    /// Whether a server event ends its channel: `OK`, `ERR`, `STREAM_DONE`, or
    /// `DEFERRED` (the client polls on channels of their own).
    private static func endsChannel(_ kind: EventKind) -> Bool {
        kind.endsChannel || kind == .deferred
    }

    init(
        frontend frontendAddress: String, backend backendAddress: String, options: BrokerOptions,
        wakeUp: WakeUpSignal, state: LockedValue<Broker.SharedState>
    ) throws(RPCError) {
        self.options = options
        self.wakeUp = wakeUp
        self.state = state
        do throws(TransportError) {
            frontend = try ZMQSocket(.router)
            backend = try ZMQSocket(.router)
            let heartbeat = Int32(clamping: Self.milliseconds(options.heartbeatInterval))
            for socket in [frontend, backend] {
                try socket.setOption(ZMQ_ROUTER_MANDATORY, 1)
                try socket.setOption(ZMQ_LINGER, 0)
                try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(options.maximumMessageSize))
                // The broker cannot wait for room (it has no queue of its own), so each
                // peer's pipe is deep; stream credit bounds what a call can have in it.
                try socket.setOption(ZMQ_SNDHWM, Self.pipeDepth)
                try socket.setOption(ZMQ_RCVHWM, Self.pipeDepth)
            }
            try frontend.applySecurity(options.frontendSecurity)
            // ZMTP pings: a server host that stops answering is disconnected, so the next
            // call to it is refused at once (EHOSTUNREACH) instead of timing out.
            try backend.setOption(ZMQ_HEARTBEAT_IVL, max(heartbeat, 100))
            try backend.setOption(ZMQ_HEARTBEAT_TIMEOUT, max(heartbeat * 2, 200))
        } catch {
            throw .invalidEndpoint(frontendAddress, reason: error.description)
        }
        do throws(TransportError) {
            frontendEndpoint = try frontend.bind(frontendAddress)
        } catch {
            throw .invalidEndpoint(frontendAddress, reason: error.description)
        }
        do throws(TransportError) {
            backendEndpoint = try backend.bind(backendAddress)
        } catch {
            throw .invalidEndpoint(backendAddress, reason: error.description)
        }
    }

    func run() {
        let tick = Int(clamping: Self.milliseconds(options.heartbeatInterval) / 2)
        while !state.withLock({ $0.stopRequested }) {
            var items = [
                zmq_pollitem_t(socket: frontend.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
                zmq_pollitem_t(socket: backend.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0),
                zmq_pollitem_t(socket: nil, fd: wakeUp.fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0),
            ]
            let ready = zmq_poll(&items, 3, max(tick, 50))
            if ready < 0 && zmq_errno() != EINTR {
                options.logger.error("zerorpc broker: zmq_poll failed (errno \(zmq_errno())); stopping")
                break
            }
            if items[2].revents != 0 { wakeUp.drain() }
            if items[1].revents != 0 { drain(backend, fromBackend: true) }
            if items[0].revents != 0 { drain(frontend, fromBackend: false) }
            expireIfDue()
            publishCounts()
        }
        frontend.close()
        backend.close()
        let waiters = state.withLock { state in
            state.isStopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        wakeUp.release()
        for waiter in waiters { waiter.resume() }
    }

    /// Reads up to a batch of messages, so one busy side cannot starve the other.
    private func drain(_ socket: ZMQSocket, fromBackend: Bool) {
        for _ in 0..<256 {
            let frames: [[UInt8]]?
            do {
                frames = try socket.receiveMessage()
            } catch {
                options.logger.warning("zerorpc broker: receive failed: \(error)")
                return
            }
            guard let frames else { return }
            if fromBackend { fromServer(frames) } else { fromClient(frames) }
        }
    }

    // MARK: - Client side

    /// `[client, "", payload]`: a new request picks a server; anything else follows its
    /// channel.
    private func fromClient(_ frames: [[UInt8]]) {
        guard frames.count >= 2, let payload = frames.last else { return }
        let client = frames[0]
        let event: EventEnvelope
        do {
            event = try EventEnvelope(decoding: payload)
        } catch {
            options.logger.debug("zerorpc broker: dropped a malformed client message: \(error)")
            return
        }
        let now = ContinuousClock.now
        if let responseTo = event.responseTo {
            let key = BrokerRoutes.ChannelKey(client: client, messageID: Array(responseTo))
            guard let server = routes.server(for: key, now: now) else {
                options.logger.debug("zerorpc broker: dropped '\(event.name)' for an unknown channel")
                return
            }
            deliver(backend.send([server, client, [], payload]), event, toServer: server)
            if event.kind == .close { routes.close(key) }
            return
        }
        let key = BrokerRoutes.ChannelKey(client: client, messageID: Array(event.messageID))
        guard routes.channelCount < options.maximumChannels else {
            refuse(event, client: client, name: "BrokerBusy", "the broker tracks too many open calls")
            return
        }
        var candidates = routes.candidates()
        if let issuer = Self.tokenIssuer(of: event, requestNames: DeferredWire.requestNames),
            let owner = routes.server(issuing: issuer)
        {
            // A deferred poll goes to the server holding the job; the others follow only
            // if it is gone (they may share its result store).
            candidates = [owner] + candidates.filter { $0 != owner }
        }
        for server in candidates {
            switch backend.send([server, client, [], payload]) {
            case .sent:
                // A flagged one-way call never gets a reply, so it opens no channel.
                if !event.isFlaggedOneway { routes.open(key, on: server, now: now) }
                return
            case .unreachable:
                serverGone(server)
            case .wouldBlock, .failed:
                continue
            }
        }
        refuse(event, client: client, name: "NoServer", "no server behind the broker can take the call")
    }

    private func refuse(_ event: EventEnvelope, client: [UInt8], name: String, _ message: String) {
        let reply = EventEncoder.error(responseTo: event.messageID, name: name, message: message)
        _ = frontend.send([client, [], reply])
    }

    // MARK: - Server side

    /// `[server, ""]` announces a server (`ZMQ_PROBE_ROUTER`); `[server, client…, "",
    /// payload]` is a reply, sent back by its routing frames.
    private func fromServer(_ frames: [[UInt8]]) {
        guard let server = frames.first else { return }
        routes.addServer(server)
        guard frames.count >= 3, let payload = frames.last, !payload.isEmpty else {
            options.logger.info("zerorpc broker: server attached (\(routes.servers.count) now)")
            return
        }
        var routing = Array(frames.dropFirst().dropLast())
        if routing.last?.isEmpty == true { routing.removeLast() }
        guard let client = routing.first else { return }
        // A message may hold several events for the client (`ProtocolExtension.batch`):
        // a stream's items, or replies ending several calls. Each keeps or ends its
        // route; the message goes on whole.
        var start = 0
        while start < payload.count,
            let event = try? EventEnvelope(decoding: payload, from: start, followingEvents: true)
        {
            start = event.argumentsRange.upperBound
            guard let responseTo = event.responseTo else { continue }
            let key = BrokerRoutes.ChannelKey(client: client, messageID: Array(responseTo))
            if let issuer = Self.tokenIssuer(of: event, requestNames: [DeferredWire.deferredEvent]) {
                routes.learn(issuer: issuer, on: server)
            }
            if Self.endsChannel(event.kind) {
                routes.close(key)
            } else {
                _ = routes.server(for: key, now: .now)
            }
        }
        let outcome = frontend.send(routing + [[], payload])
        if outcome != .sent && outcome != .unreachable {
            options.logger.warning("zerorpc broker: dropped a reply for a client whose pipe is full")
        }
    }

    /// A follow-up event for `server`: a gone server is forgotten, a full pipe logged.
    private func deliver(_ outcome: SendOutcome, _ event: EventEnvelope, toServer server: [UInt8]) {
        switch outcome {
        case .sent: break
        case .unreachable: serverGone(server)
        case .wouldBlock, .failed: options.logger.warning("zerorpc broker: dropped '\(event.name)' for a busy server")
        }
    }

    /// The issuer of the token that is the first argument of `event`, when its name is
    /// one of `requestNames` (`DEFERRED [token]`, `_zpc_result [token, wait]` …).
    private static func tokenIssuer(of event: EventEnvelope, requestNames: Set<String>) -> DeferredServerID? {
        guard requestNames.contains(event.name) else { return nil }
        var reader = MessagePackReader(bytes: Array(event.argumentBytes))
        guard (try? reader.readArrayHeader()) ?? 0 > 0, let token = try? DeferredToken(from: &reader) else {
            return nil
        }
        return token.issuer
    }

    private func serverGone(_ server: [UInt8]) {
        let dropped = routes.removeServer(server)
        options.logger.warning(
            "zerorpc broker: a server is gone (\(routes.servers.count) left); its \(dropped) open call(s) will fail as lost"
        )
    }

    // MARK: - Housekeeping

    private func expireIfDue() {
        let now = ContinuousClock.now
        guard now - lastExpiry >= options.heartbeatInterval else { return }
        lastExpiry = now
        let expired = routes.expire(silentSince: now - options.heartbeatInterval * 3)
        if expired > 0 { options.logger.debug("zerorpc broker: forgot \(expired) silent channel(s)") }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds) &* 1000 &+ max(0, attoseconds) / 1_000_000_000_000_000
    }

    private func publishCounts() {
        let servers = routes.servers.count
        let channels = routes.channelCount
        state.withLock { state in
            state.serverCount = servers
            state.channelCount = channels
        }
    }
}
