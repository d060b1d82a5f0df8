import CZeroMQ
import Logging
import Synchronization

/// The state a client's I/O thread owns: its DEALER sockets, the open calls, their
/// timers. Lives and dies on that thread; tasks reach it only through `CommandQueue`.
final class ClientLoop {
    private struct Connection {
        let endpoint: String
        let socket: ZMQSocket
        var outbound = OutboundQueue()
        var openCalls = 0
        /// Whether a reply already told `peers` what this endpoint's server speaks.
        var knowsExtensions = false
    }

    private typealias PendingCall = ClientCallTable.PendingCall

    /// How many messages one socket may deliver per loop turn, so timers stay on time.
    private static let receiveBatch = 512

    let queue: CommandQueue<ClientCommand>
    let executor: IOThreadExecutor
    private let options: ClientOptions
    private let peers: PeerExtensions
    private let monitor: ConnectionMonitor
    // The loop's state is touched only by the thread holding `turnLock`, so Swift's
    // dynamic exclusivity check (a thread-local access set per access, ~10% of a call's
    // instructions) proves nothing the lock does not: it is off for these properties.
    @exclusivity(unchecked) private var connections: [Connection] = []
    /// Pending and awaiting calls, their timers, early cancels and the lifecycle: every
    /// decision about calls, which this loop carries out. Mutated in place, never copied.
    @exclusivity(unchecked) private var table: ClientCallTable
    /// Channels whose consumer waits for an event this receive turn delivered: resumed
    /// once at the end of the turn, not once per event.
    @exclusivity(unchecked) private var waitingConsumers: [ChannelInbox] = []
    /// Where the search for the least busy endpoint starts: ties go round robin.
    @exclusivity(unchecked) private var nextRoundRobin = 0

    @exclusivity(unchecked) private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    @exclusivity(unchecked) private var poller = SocketPoller()
    /// The poller of a caller leading its own call (`lead`).
    @exclusivity(unchecked) private var leaderPoller = SocketPoller()
    /// How many DEALERs the I/O thread watched in its last poll: all of them, or none
    /// while no call is open (a caller leading its call then watches them itself).
    @exclusivity(unchecked) private var watchedDealers = 0
    let leadership: LoopLeadership
    let turnLock = TurnLock()
    /// The call whose stream consumer receives from the DEALER itself (`leadChannel`), 0
    /// for none. Atomic: a consumer that finds the I/O thread mid-turn clears it without
    /// the `TurnLock` before it waits for its inbox.
    private let consumerLeadCall = Atomic<UInt64>(0)
    /// When that consumer last received (an offset since `ClockOffset.origin`).
    @exclusivity(unchecked) private var consumerLeadAt = Duration.zero
    /// Receive batches a stream's consumer took itself (`leadChannel`), for tests.
    let batchesLedByConsumers = Atomic<Int>(0)
    /// Stream items those consumers took where they were received, for tests.
    let itemsTakenInPlace = Atomic<Int>(0)
    @exclusivity(unchecked) var takeoverLog = RateLimitedLog()

    private init(
        queue: CommandQueue<ClientCommand>, executor: IOThreadExecutor, options: ClientOptions, peers: PeerExtensions,
        status: ConnectionStatus
    ) {
        monitor = ConnectionMonitor(status: status)
        leadership = LoopLeadership(budget: options.ioThreadTaskBudget)
        self.queue = queue
        self.executor = executor
        self.options = options
        self.peers = peers
        table = ClientCallTable(heartbeatInterval: options.heartbeatInterval)
    }

    /// Starts the I/O thread, opens one DEALER per endpoint on it and returns once they
    /// are bound or connected (or throws why not), with the loop for callers that send
    /// themselves (`startDirectly`).
    static func start(
        endpoints: [String], bind: Bool, queue: CommandQueue<ClientCommand>, executor: IOThreadExecutor,
        options: ClientOptions,
        peers: PeerExtensions, status: ConnectionStatus
    ) throws(RPCError) -> DirectAccess {
        let setup = BlockingReply<DirectAccess>()
        IOThread.start(name: "zerorpc-client") {
            let loop = ClientLoop(queue: queue, executor: executor, options: options, peers: peers, status: status)
            do throws(RPCError) {
                try loop.openSockets(endpoints: endpoints, bind: bind)
            } catch {
                loop.stop()
                setup.fail(error)
                return
            }
            setup.succeed(DirectAccess(loop: loop))
            loop.run()
        }
        return try setup.wait()
    }

    /// The loop as a `Client` holds it, for `startDirectly`: every use takes the loop's
    /// `TurnLock` first, which is what makes sharing it across threads sound.
    struct DirectAccess: @unchecked Sendable {
        let loop: ClientLoop
    }

    /// A caller's thread: starts `call` itself — registers it and sends its request — when
    /// the I/O thread is asleep in its poll or running a job, so the request costs no
    /// wake-up of that thread; false (nothing done) when the thread is mid-turn or has
    /// stopped, and the call must go through the queue.
    ///
    /// The I/O thread may sleep on the socket's `ZMQ_FD` meanwhile. That descriptor is
    /// edge-triggered and the send may have consumed its signal, so the socket is asked
    /// for `ZMQ_EVENTS` here; input waiting, a request that could not go out at once, or
    /// a timer earlier than the sleeping thread's wake it.
    func startDirectly(_ call: OutgoingCall) -> Bool {
        guard turnLock.tryLock() else { return false }
        defer { turnLock.unlock() }
        guard table.lifecycle.isRunning else { return false }
        let timersBefore = table.timersDue.offset
        let index = start(call)
        // A sleeping I/O thread that watches no DEALER must start watching them now.
        var wakesLoop = table.timersDue.offset != timersBefore || watchedDealers == 0
        if let index, sendLeftWorkForTheLoop(on: index) { wakesLoop = true }
        if wakesLoop { queue.wakeIfAsleep() }
        return true
    }

    /// After a send on `index` by a thread other than the I/O thread, which may sleep on
    /// the socket's `ZMQ_FD` meanwhile: whether that thread must wake, for a request that
    /// could not go out at once or for input waiting. The descriptor is edge-triggered and
    /// the send may have consumed its signal, so the socket is asked for `ZMQ_EVENTS`.
    private func sendLeftWorkForTheLoop(on index: Int) -> Bool {
        let socket = connections[index].socket
        guard socket.needsEventCheck && socket.pendingEvents() & Int16(ZMQ_POLLIN) != 0 else {
            return !connections[index].outbound.isEmpty
        }
        socket.markNeedsEventCheck()
        return true
    }

    /// What `lead` did with a call.
    enum LeadOutcome {
        /// Nothing: the I/O thread is mid-turn or watches the sockets for other calls, or
        /// the loop stopped. The call must go the usual way (`startDirectly` or the queue).
        case notTaken
        /// The call ended while its caller waited: its reply, or why it failed.
        case ended(Result<EventEnvelope, any Error>)
        /// The call is open and the I/O thread now waits for its reply, which completes
        /// the call (`Client` parks its continuation in it, `park`).
        case handedOff(HandedOffCall)
    }

    /// A led call left to the I/O thread, for its caller to `park` on. Sendable: the
    /// call's table fields are touched only under the loop's `TurnLock`.
    struct HandedOffCall: @unchecked Sendable {
        fileprivate let pending: ClientCallTable.PendingCall
    }

    /// A caller's thread, for a unary call with nothing else open on the client: sends the
    /// request and waits up to `wait` for the reply itself on the DEALERs the I/O thread
    /// leaves alone while no call is open (`pollSockets`): with one DEALER in a blocking
    /// receive inside libzmq (`ZMQ_RCVTIMEO`), with several by polling them. A sequential
    /// caller so costs no thread hand-off at all: no wake-up of the I/O thread to send,
    /// and none of the caller to receive — what a C client blocking in `zmq_recv` pays.
    ///
    /// Holds the loop's `TurnLock` throughout, so the I/O thread, should it wake, waits;
    /// other callers find the lock taken and queue their calls. Past `wait` the call is
    /// left to the I/O thread, which is woken to watch the sockets again.
    ///
    /// `call`'s receiver is `.led`: its outcome lands in `call` itself, the table's entry,
    /// so a led call costs no object besides that one. A call no connected endpoint
    /// can take is not led (it would wait for a connection outside the table).
    func lead(_ call: OutgoingCall, wait: Duration) -> LeadOutcome {
        guard turnLock.tryLock() else { return .notTaken }
        defer { turnLock.unlock() }
        // No early cancel can be waiting for this call: its caller installs the cancel
        // handler only after `lead` returned.
        guard table.lifecycle.isRunning, watchedDealers == 0, table.isIdle, let index = connection(for: call) else {
            return .notTaken
        }
        let limit = ContinuousClock.now.advanced(by: wait)
        let pending = register(call, on: index)
        while !pending.hasLedOutcome, waitForReplies(until: limit) {}
        if let outcome = pending.takeLedOutcome() { return .ended(outcome) }
        // Unanswered in time: the I/O thread takes over.
        handSocketsToTheIOThread()
        return .handedOff(HandedOffCall(pending: pending))
    }

    /// Caller, after `lead` handed its call off: parks `continuation` in the call, or
    /// resumes it at once when the reply came meanwhile.
    func park(_ call: HandedOffCall, _ continuation: UnsafeContinuation<EventEnvelope, any Error>) {
        turnLock.lock()
        let outcome = call.pending.parkLed(continuation)
        turnLock.unlock()
        if let outcome { continuation.resume(with: outcome) }
    }

    /// One poll of the DEALERs by a leading caller, and what it found served; false once
    /// `limit` has passed.
    private func waitForReplies(until limit: ContinuousClock.Instant) -> Bool {
        let left = ContinuousClock.now.duration(to: limit)
        guard left > .zero else { return false }
        // Rounded up (a poll of 0 ms would spin until the limit) and capped, so a huge
        // `callerReplyWait` cannot trap.
        let milliseconds = Int(left.clampedMilliseconds)
        let dealers = connections.count
        if dealers == 1 && connections[0].outbound.isEmpty {
            // One DEALER, nothing to write: wait inside libzmq, as a C client's blocking
            // receive does. Polling `ZMQ_FD` instead needs `ZMQ_EVENTS` asked before the
            // sleep (the send may have consumed the descriptor's edge), two `poll(2)`s a
            // call more than a C client makes.
            return receive(from: 0, waitingUpTo: Int32(clamping: milliseconds))
        }
        leaderPoller.poll(
            count: dealers, socket: { connections[$0].socket },
            wantsToWrite: { !connections[$0].outbound.isEmpty }, wakeUp: nil, timeoutMilliseconds: milliseconds)
        for index in 0..<dealers {
            if leaderPoller.isWritable(index) { flush(index) }
            if leaderPoller.isReadable(index) { receive(from: index) }
        }
        return true
    }

    // MARK: A stream's consumer receiving for itself

    /// How long the I/O thread leaves the DEALER to a stream's consumer after its last
    /// receive (`leadChannel`). Past it the consumer is busy elsewhere (its loop body, or
    /// it stopped iterating), and the I/O thread watches the socket again, so heartbeats
    /// and replies are still read.
    static let consumerLeadGrace = Duration.milliseconds(2)

    /// Whether a stream's consumer receives from the DEALER itself, so the I/O thread
    /// leaves it alone: while that stream is the one open call, and for
    /// `consumerLeadGrace` after the consumer's last receive. Clears the lead otherwise.
    private func consumerLeads() -> Bool {
        let call = consumerLeadCall.load(ordering: .relaxed)
        guard call != 0 else { return false }
        guard onlyOpenCall(call) != nil, ClockOffset.of(.now) < consumerLeadAt + Self.consumerLeadGrace
        else {
            consumerLeadCall.store(0, ordering: .relaxed)
            return false
        }
        return true
    }

    /// A stream's consumer whose buffered items ran out, on its own thread: receives from
    /// the DEALER itself — the first message waited for up to `milliseconds` inside
    /// libzmq, then whatever else is queued — as a C client's loop over `zmq_recv` does,
    /// instead of waiting for the I/O thread to receive, queue and wake it. Only while its
    /// call is the one open call on a single DEALER, and the I/O thread is asleep or
    /// running a job (the `TurnLock` is free).
    ///
    /// Its channel's plain `STREAM` events (`EventEnvelope.streamItem`) are handed to
    /// `takeItem` where they lie in the received message — no copy, no envelope, no trip
    /// through the inbox — as long as nothing waits in the inbox before them; the item's
    /// bytes are valid only during the call, and `takeItem` returns false when it cannot
    /// decode them (that event then takes the general path, and so does every later one,
    /// so the order holds). Every other event is delivered as the I/O thread would.
    /// Returns how many items `takeItem` took, or nil when it took none and the inbox is
    /// empty too: the consumer must then wait for the inbox as usual, and the I/O thread
    /// has the socket back.
    func leadChannel(
        _ callID: UInt64, inbox: ChannelInbox, waitingUpTo milliseconds: Int32,
        takeItem: (UnsafeRawBufferPointer) -> Bool
    ) -> Int? {
        guard turnLock.tryLock() else {
            // The I/O thread is mid-turn, and this consumer is about to wait for its inbox:
            // the thread must watch the DEALER again before it sleeps.
            if consumerLeadCall.exchange(0, ordering: .relaxed) != 0 { queue.wakeIfAsleep() }
            return nil
        }
        defer { turnLock.unlock() }
        guard table.lifecycle.isRunning, connections.count == 1, connections[0].outbound.isEmpty,
            let pending = onlyOpenCall(callID)
        else {
            handBackChannel()
            return nil
        }
        consumerLeadAt = ClockOffset.of(.now)
        if consumerLeadCall.exchange(callID, ordering: .relaxed) != callID {
            // A sleeping I/O thread still watches the DEALER and waits for its timers
            // only: woken, it leaves the socket to this consumer and looks again within
            // the grace period.
            queue.wakeIfAsleep()
        }
        // Items are taken in place only after the channel's first event (which the general
        // path marks as its reply, and which may announce the server's extensions).
        var inPlace = pending.hasReplied && connections[0].knowsExtensions && !inbox.hasEvents
        let channel = pending.messageID
        let socket = connections[0].socket
        var taken = 0
        do {
            var wait: Int32? = milliseconds
            receiving: for _ in 0..<Self.receiveBatch {
                // The message's events taken in place: all of them, or those before the
                // first that is no item of this channel (or no `Element`), which with the
                // rest takes the general path.
                var takenHere = 0
                let receipt = try socket.receivePayload(waitingUpTo: wait) { bytes in
                    guard inPlace else { return false }
                    var start = 0
                    repeat {
                        guard let (item, end) = EventEnvelope.streamItem(in: bytes, from: start, answering: channel)
                        else { return false }
                        inPlace = takeItem(item)
                        guard inPlace else { return false }
                        takenHere += 1
                        start = end
                    } while start < bytes.count
                    return true
                }
                wait = nil
                taken += takenHere
                switch receipt {
                case .none:
                    break receiving
                case .takenInPlace:
                    break
                case .frame(let payload):
                    deliver(payload, skipping: takenHere)
                    // Later items may no longer overtake what waits in the inbox.
                    if inPlace && inbox.hasEvents { inPlace = false }
                }
            }
        } catch {
            options.logger.error("zerorpc client: receive failed: \(error)")
        }
        resumeWaitingConsumers()
        if taken > 0 || inbox.hasEvents {
            batchesLedByConsumers.add(1, ordering: .relaxed)
            if taken > 0 { itemsTakenInPlace.add(taken, ordering: .relaxed) }
            return taken
        }
        handBackChannel()
        return nil
    }

    /// The consumer stops receiving for itself: the I/O thread watches the DEALER again,
    /// and asks it for `ZMQ_EVENTS` first (the consumer's receives may have consumed the
    /// descriptor's edge).
    private func handBackChannel() {
        guard consumerLeadCall.exchange(0, ordering: .relaxed) != 0 else { return }
        handSocketsToTheIOThread()
    }

    /// A caller or consumer that received on the DEALERs itself gives them back: its
    /// receives may have consumed their edge-triggered `ZMQ_FD` signals, so the I/O
    /// thread asks each for `ZMQ_EVENTS` before it sleeps, and is woken to do so.
    private func handSocketsToTheIOThread() {
        for connection in connections { connection.socket.markNeedsEventCheck() }
        queue.wakeIfAsleep()
    }

    /// Call `callID` if it is the only call open: what lets its stream's consumer receive
    /// for itself; nil otherwise.
    private func onlyOpenCall(_ callID: UInt64) -> ClientCallTable.PendingCall? {
        table.calls.count == 1 ? table.calls[callID] : nil
    }

    /// A stream's consumer, on its own thread: sends `payload` on the call's connection
    /// itself when the I/O thread is asleep or running a job, instead of waking it; false
    /// when the thread is mid-turn, and the payload must go through the queue. For events
    /// whose order among the channel's queued ones does not matter (credit grants). Wakes
    /// the I/O thread as `startDirectly` does (`sendLeftWorkForTheLoop`).
    func sendDirectly(_ callID: UInt64, _ payload: [UInt8]) -> Bool {
        guard turnLock.tryLock() else { return false }
        defer { turnLock.unlock() }
        guard table.lifecycle.isRunning else { return false }
        // An ended call's event is dropped, as the queue's `.send` would drop it.
        guard let pending = table.calls[callID] else { return true }
        send(payload, on: pending.connectionIndex)
        if sendLeftWorkForTheLoop(on: pending.connectionIndex) { queue.wakeIfAsleep() }
        return true
    }

    private func openSockets(endpoints: [String], bind: Bool) throws(RPCError) {
        for endpoint in endpoints {
            do throws(TransportError) {
                let socket = try ZMQSocket(.dealer)
                try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(options.maximumMessageSize))
                try socket.applySecurity(options.security)
                // No ZMQ_IMMEDIATE, though it would keep requests off pipes without a
                // peer: with it, libzmq drops the replies a DEALER has not read yet when
                // the connection ends, so a server that answers and then exits (a
                // graceful drain) loses its last replies. `renewPipe` keeps requests
                // from reaching a restarted server instead.
                try monitor.watch(socket, endpoint: endpoint, isBound: bind)
                if bind {
                    _ = try socket.bind(endpoint)
                } else {
                    try socket.connect(endpoint)
                }
                connections.append(Connection(endpoint: endpoint, socket: socket))
            } catch {
                throw .invalidEndpoint(endpoint, reason: error.description)
            }
        }
    }

    private func run() {
        runTurns()
    }

    /// Watches the DEALERs only while some call is open or some request waits to go out:
    /// otherwise the next caller watches them itself (`lead`), and a reply wakes only it.
    /// Input for no open call (a late reply) waits in ZeroMQ's queue meanwhile.
    func pollSockets(timeoutMilliseconds timeout: Int) {
        let idle = (table.isIdle || consumerLeads()) && connections.allSatisfy { $0.outbound.isEmpty }
        let dealers = idle ? 0 : connections.count
        watchedDealers = dealers
        poller.poll(
            count: dealers + monitor.socketCount,
            socket: { $0 < dealers ? connections[$0].socket : monitor.socket(at: $0 - dealers) },
            wantsToWrite: { $0 < dealers && !connections[$0].outbound.isEmpty }, wakeUp: queue.wakeUp,
            timeoutMilliseconds: timeout, sleep: sleepUnlocked)
    }

    func serveReadySockets() {
        let dealers = watchedDealers
        for index in 0..<dealers {
            if poller.isWritable(index) { flush(index) }
            if poller.isReadable(index) { receive(from: index) }
        }
        var cameUp = false
        for index in 0..<monitor.socketCount where poller.isReadable(dealers + index) {
            let (connection, report) = monitor.receive(index)
            if report.lostConnection { renewPipe(of: connection) }
            if report.cameUp { cameUp = true }
        }
        if cameUp && !table.awaitingConnection.isEmpty { startAwaitingCalls() }
    }

    /// A connection of `index`'s DEALER ended: reads every reply ZeroMQ received on it
    /// (a server may answer and exit at once), then disconnects and connects again, which
    /// drops whatever ZeroMQ queued for the dead peer. ZeroMQ would otherwise send those
    /// requests to the next server on the endpoint (a restarted one) long after their
    /// calls failed here: at most once means never after the caller was told it failed.
    /// The calls still open on the connection end by their heartbeats (`lostRemote`).
    private func renewPipe(of index: Int) {
        guard connections.indices.contains(index) else { return }
        let socket = connections[index].socket
        while socket.pendingEvents() & Int16(ZMQ_POLLIN) != 0 {
            receive(from: index)
        }
        let endpoint = connections[index].endpoint
        do throws(TransportError) {
            try socket.disconnect(endpoint)
            try socket.connect(endpoint)
        } catch {
            options.logger.error("zerorpc client: could not renew the connection to \(endpoint): \(error)")
        }
    }

    // MARK: Commands

    func handle(_ commands: [ClientCommand]) {
        for command in commands {
            switch command {
            case .call(let call): start(call)
            case .post(let payload, let sent): post(payload, sent: sent)
            case .cancel(let callID): cancel(callID)
            case .send(let callID, let payload):
                if let pending = table.calls[callID] { send(payload, on: pending.connectionIndex) }
            case .release(let callID): release(callID)
            case .connection(let command): monitor.handle(command)
            case .endpoints(let reply):
                reply.resume(
                    returning: connections.indices.map { index in
                        EndpointState(
                            endpoint: connections[index].endpoint, isConnected: monitor.isUp(index),
                            openCalls: connections[index].openCalls, lastError: monitor.lastProblem(index))
                    })
            case .close(let waiter):
                if let waiter { closeWaiters.append(waiter) }
                table.close()
            }
        }
    }

    /// Registers `call` and sends its request; the connection it went to, or nil when
    /// it was failed at once or waits for a connection (`awaitingConnection`).
    @discardableResult
    private func start(_ call: OutgoingCall, awaitingSince: ContinuousClock.Instant? = nil) -> Int? {
        if table.takeEarlyCancel(call.callID) {
            call.receiver.fail(CancellationError())
            return nil
        }
        guard !connections.isEmpty else {
            call.receiver.fail(RPCError.closed)
            return nil
        }
        guard let index = connection(for: call) else {
            awaitConnection(call, since: awaitingSince ?? .now)
            return nil
        }
        register(call, on: index)
        return index
    }

    /// The connection to send `call` on: the one it is pinned to (a deferred poll to its
    /// issuer) while that is up, otherwise the least busy connected endpoint; nil when
    /// none is connected.
    private func connection(for call: OutgoingCall) -> Int? {
        let preferred = call.connection.flatMap { connections.indices.contains($0) && monitor.isUp($0) ? $0 : nil }
        return preferred ?? leastBusyConnection()
    }

    /// Enters `call` in the table as sent on connection `index`, and sends its request.
    @discardableResult
    private func register(_ call: OutgoingCall, on index: Int) -> PendingCall {
        let pending = table.add(call, connectionIndex: index, now: .now)
        connections[index].openCalls += 1
        send(call.payload, on: index)
        return pending
    }

    /// A call that found no endpoint connected waits for one, until the connect timeout
    /// (or its own, if shorter): it is sent only once some endpoint is up.
    private func awaitConnection(_ call: OutgoingCall, since: ContinuousClock.Instant) {
        table.awaitConnection(call, since: since, connectTimeout: options.connectTimeout)
    }

    /// An endpoint came up: the calls that waited for one go out.
    private func startAwaitingCalls() {
        for entry in table.takeAwaitingCalls() {
            start(entry.call, awaitingSince: entry.since)
        }
    }

    private func notConnected(after waited: Duration) -> RPCError {
        let reasons = Set(connections.indices.map { monitor.problem($0) }).sorted()
        return .notConnected(
            endpoints: connections.map(\.endpoint), reason: reasons.joined(separator: "; "), after: waited)
    }

    private func post(_ payload: [UInt8], sent: UnsafeContinuation<Void, any Error>) {
        guard !connections.isEmpty else {
            sent.resume(throwing: RPCError.closed)
            return
        }
        // A one-way event has no deadline: with no endpoint up it waits in ZeroMQ's
        // queue (`ZMQ_IMMEDIATE`: for a pipe with a peer) like stock zerorpc's.
        send(payload, on: leastBusyConnection() ?? 0)
        sent.resume()
    }

    /// A cancelled caller: `_zpc_close` tells the server to cancel exactly that handler
    /// (a stock server drops it; one per channel is harmless to it, see DESIGN.md).
    private func cancel(_ callID: UInt64) {
        if let waiting = table.cancel(callID, now: .now) {
            waiting.call.receiver.fail(CancellationError())
            return
        }
        guard let pending = table.calls[callID] else { return }  // remembered as an early cancel
        sendClose(pending)
        finish(callID, with: .failure(CancellationError()))
    }

    /// A consumer dropped its channel: close it on the server if it is still open.
    private func release(_ callID: UInt64) {
        if let call = table.removeAwaiting(callID)?.call {
            if case .channel(let inbox) = call.receiver { inbox.end() } else { call.receiver.fail(CancellationError()) }
            return
        }
        guard let pending = remove(callID) else { return }
        sendClose(pending)
        if case .channel(let inbox) = pending.receiver {
            inbox.end()
        } else {
            pending.receiver.fail(CancellationError())
        }
    }

    private func sendClose(_ pending: PendingCall) {
        let close = EventEncoder.encode(
            responseTo: pending.messageID, name: EventName.close,
            arguments: StreamEvents.closeArguments)
        send(close, on: pending.connectionIndex)
    }

    /// The connected endpoint with the fewest open calls; among equals, the next in
    /// turn after the last one chosen (round robin). Nil when none is connected.
    private func leastBusyConnection() -> Int? {
        let count = connections.count
        var best: Int?
        for step in 0..<count {
            let index = (nextRoundRobin + step) % count
            guard monitor.isUp(index) else { continue }
            if let chosen = best, connections[chosen].openCalls <= connections[index].openCalls { continue }
            best = index
        }
        if let best { nextRoundRobin = (best + 1) % count }
        return best
    }

    // MARK: Socket I/O

    private func send(_ payload: [UInt8], on index: Int) {
        if case .failed(let error) = connections[index].outbound.send(
            routing: [], payload: payload, on: connections[index].socket)
        {
            options.logger.error("zerorpc client: send failed: \(error)")
        }
    }

    private func flush(_ index: Int) {
        if let error = connections[index].outbound.flush(on: connections[index].socket) {
            options.logger.error("zerorpc client: send failed: \(error)")
        }
    }

    private func receive(from index: Int) {
        let socket = connections[index].socket
        do {
            try socket.receiveTurn(batch: Self.receiveBatch) { () throws(TransportError) -> Bool in
                guard let payload = try socket.receivePayloadFrame() else { return false }
                deliver(payload)
                return true
            }
        } catch {
            options.logger.error("zerorpc client: receive failed: \(error)")
        }
        resumeWaitingConsumers()
    }

    /// A leading caller: one message from `index`'s DEALER, waited for up to `timeout`
    /// milliseconds inside libzmq; false when the receive failed, so the caller hands its
    /// call to the I/O thread instead of failing again at once until its wait ends.
    private func receive(from index: Int, waitingUpTo timeout: Int32) -> Bool {
        defer { resumeWaitingConsumers() }
        do {
            if let payload = try connections[index].socket.receivePayloadFrame(waitingUpTo: timeout) {
                deliver(payload)
            }
            return true
        } catch {
            options.logger.error("zerorpc client: receive failed: \(error)")
            return false
        }
    }

    /// Channels whose consumer waits for an event this turn delivered, resumed once.
    private func resumeWaitingConsumers() {
        for inbox in waitingConsumers { inbox.resumeWaiter() }
        waitingConsumers.removeAll(keepingCapacity: true)
    }

    /// Hands each event of a received message to its call or channel. A message holds
    /// one event, or several back to back from a server batching a stream's items or the
    /// replies to several calls for us (`ProtocolExtension.batch`); each is delivered on
    /// its own, by its `response_to`, after the first
    /// `skipping` (items a stream's consumer already took in place). A malformed event
    /// drops itself and whatever follows it in the message.
    private func deliver(_ payload: ReceivedFrame, skipping skipped: Int = 0) {
        guard case .bytes(let bytes) = payload else {
            deliverLarge(payload)
            return
        }
        var start = 0
        var index = 0
        repeat {
            let event: EventEnvelope
            do {
                event = try EventEnvelope(decoding: bytes, from: start, followingEvents: true)
            } catch {
                options.malformedInputLog.warning("zerorpc client: dropped a malformed reply: \(error)")
                return
            }
            start = event.argumentsRange.upperBound
            if index >= skipped { deliver(consume event) }
            index += 1
        } while start < bytes.count
    }

    /// `deliver` for a large message, kept in place when it holds one event. One that
    /// does not decode so (several events past `ZMQSocket.inPlaceThreshold` together, which
    /// our server never sends but another peer may, or a malformed one) is copied and
    /// read as a batch, which delivers each event or reports what is malformed.
    private func deliverLarge(_ payload: ReceivedFrame) {
        guard let event = try? EventEnvelope(decoding: payload) else {
            deliver(.bytes(payload.array))
            return
        }
        deliver(consume event)
    }

    private func deliver(_ event: consuming EventEnvelope) {
        guard let channel = event.responseTo, let (callID, pending) = table.call(answering: channel) else {
            options.logger.debug("zerorpc client: dropped '\(event.name)' for an unknown or closed channel")
            return
        }
        if !connections[pending.connectionIndex].knowsExtensions {
            learnExtensions(from: event, connection: pending.connectionIndex)
        }
        if event.kind == .deferred, let token = DeferredWire.token(in: event) {
            peers.learnIssuer(token.issuer, connection: pending.connectionIndex)
        }
        switch (event.kind, pending.receiver) {
        case (.heartbeat, .channel(let inbox)) where !pending.hasReplied && event.extensionsRange != nil:
            // The server's extension announcement: the channel's first reply event.
            table.noteHeartbeat(pending, now: .now)
            table.markReplied(pending)
            inbox.push(event)
        case (.heartbeat, _):
            table.noteHeartbeat(pending, now: .now)
        case (.more, _):
            break
        case (let kind, .channel(let inbox)) where !kind.endsChannel:
            if !pending.hasReplied { table.markReplied(pending) }
            if inbox.append(event) { waitingConsumers.append(inbox) }
        default:
            finish(callID, with: .success(consume event), answered: true)
        }
    }

    /// An event carrying `ext` shows a zerorpc-swift server; a reply without it (other
    /// than a heartbeat, which our server sends bare on plain calls) shows a stock one.
    private func learnExtensions(from event: EventEnvelope, connection index: Int) {
        if let names = event.announcedExtensions {
            peers.learn(connection: index, names: names)
        } else if event.kind != .heartbeat && event.kind != .more {
            peers.learn(connection: index, names: nil)
        } else {
            return
        }
        connections[index].knowsExtensions = true
    }

    /// Removes the call and hands it its last event or failure; false when it was no
    /// longer open. `answered`: the server's reply ends it, so its request went out.
    ///
    /// The outcome is moved, not copied, to whoever takes it: a copy of an envelope goes
    /// through value witnesses (`Result` is generic).
    @discardableResult
    private func finish(
        _ callID: UInt64, with outcome: consuming Result<EventEnvelope, any Error>, answered: Bool = false
    ) -> Bool {
        guard let pending = remove(callID, answered: answered) else { return false }
        switch pending.receiver {
        case .single(let continuation):
            continuation.resume(with: outcome)
        case .led:
            pending.completeLed(outcome)
        case .channel(let inbox):
            switch consume outcome {
            case .success(let event):
                inbox.push(event)
                inbox.end()
            case .failure(let error):
                inbox.end(throwing: error)
            }
        }
        return true
    }

    /// Forgets the call. One that ends unanswered takes its request out of the
    /// connection's queue if it still waits there; an answered call's request went out,
    /// so the queue is not searched for it (with thousands of requests queued behind a
    /// full pipe, a search per reply took three quarters of the client's time).
    private func remove(_ callID: UInt64, answered: Bool = false) -> PendingCall? {
        guard let pending = table.remove(callID) else { return nil }
        connections[pending.connectionIndex].openCalls -= 1
        // issue 17: a request still waiting for room (its server hung or went away) when
        // its call ends must not go out to whatever server answers the endpoint next.
        if !answered && !connections[pending.connectionIndex].outbound.isEmpty {
            _ = connections[pending.connectionIndex].outbound.removeUnsent(payload: pending.payload)
        }
        return pending
    }

    // MARK: Timers

    func fireTimers(now: ContinuousClock.Instant) {
        monitor.expireWaiters(now: now)
        guard table.timersDue.isDue(now) else { return }
        let tick = table.timerTick(now: now)
        for entry in tick.notConnected {
            entry.call.receiver.fail(notConnected(after: entry.since.duration(to: now)))
        }
        for pending in tick.heartbeats {
            send(EventEncoder.heartbeat(responseTo: pending.messageID), on: pending.connectionIndex)
        }
        for (callID, error) in tick.expired {
            finish(callID, with: .failure(error))
        }
    }

    /// Milliseconds until the next timer (-1: none pending).
    func pollTimeout(now: ContinuousClock.Instant) -> Int {
        var next = table.timersDue
        if let deadline = monitor.nextDeadline { next.consider(deadline) }
        if connections.contains(where: { !$0.outbound.isEmpty }) {
            next.consider(now.advanced(by: .milliseconds(5)))
        }
        if consumerLeadCall.load(ordering: .relaxed) != 0 {
            next.consider(ClockOffset.instant(consumerLeadAt + Self.consumerLeadGrace))
        }
        return next.milliseconds(from: now)
    }

    // MARK: Shutdown

    func stop() {
        let (pending, awaiting) = table.stop()
        for callID in pending {
            finish(callID, with: .failure(RPCError.closed))
        }
        for entry in awaiting {
            entry.call.receiver.fail(RPCError.closed)
        }
        let linger = options.lingerOnClose.clampedMilliseconds
        monitor.close()
        for index in connections.indices {
            flush(index)
            try? connections[index].socket.setOption(ZMQ_LINGER, max(0, linger))
            connections[index].socket.close()
        }
        connections = []
        for command in queue.close(handingJobsTo: executor) {
            switch command {
            case .call(let call): call.receiver.fail(RPCError.closed)
            case .post(_, let sent): sent.resume(throwing: RPCError.closed)
            case .cancel, .send, .release: break
            case .connection(.wait(_, _, let continuation)): continuation.resume(throwing: RPCError.closed)
            case .connection(.cancel): break
            case .endpoints(let reply): reply.resume(returning: [])
            case .close(let waiter): waiter?.resume()
            }
        }
        for waiter in closeWaiters {
            waiter.resume()
        }
        closeWaiters = []
    }
}

extension ClientLoop: IOLoop {
    var threadName: String { "zerorpc-client" }

    var isRunning: Bool { table.lifecycle.isRunning }

    func noteTakeover() {
        guard let held = takeoverLog.shouldLog() else { return }
        let earlier = held > 0 ? " (\(held) more since the last note)" : ""
        options.logger.notice(
            """
            zerorpc client: a task on Client.executor held the I/O thread past \(options.ioThreadTaskBudget); \
            a standby thread took over the sockets\(earlier). Keep work on Client.executor short.
            """)
    }
}
