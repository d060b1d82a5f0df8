/// What a server knows about its calls, without any I/O: open channels, admitted and
/// waiting calls under the concurrency limit, heartbeat bookkeeping, the lifecycle.
/// `ServerLoop` asks it what to do and does the sending, starting and cancelling itself,
/// so every rule here is unit-tested without a socket (ServerCallTableTests).
struct ServerCallTable {
    /// A channel is one call as the protocol sees it: identified by the peer and the
    /// request's `message_id`, heartbeated until its reply goes out.
    struct ChannelKey: Hashable {
        let peer: [UInt8]
        let messageID: ArraySlice<UInt8>
        /// The fields' bytes hashed once, when the key is made: a call's key is looked up,
        /// inserted and removed. Both fields come from the peer, so the digest is keyed by
        /// this process's random multipliers (`PeerBytesHash`): ids a peer chooses cannot
        /// be made to collide.
        private let digest: Int

        init(peer: [UInt8], messageID: ArraySlice<UInt8>) {
            self.peer = peer
            self.messageID = messageID
            digest = peer.withUnsafeBytes { peer in
                messageID.withUnsafeBytes { PeerBytesHash.digest(peer, $0) }
            }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(digest)
        }

        /// The table's hash of the digest without a `Hasher` round: the digest is already a
        /// keyed hash of every byte; mixing in the table's seed is enough.
        func _rawHashValue(seed: Int) -> Int {
            mixedHash(UInt64(truncatingIfNeeded: digest), seed: seed)
        }

        /// Compares each field as one block of memory (see `WireID.==`).
        static func == (lhs: ChannelKey, rhs: ChannelKey) -> Bool {
            lhs.digest == rhs.digest && sameBytes(lhs.messageID, rhs.messageID)
                && sameBytes(lhs.peer[...], rhs.peer[...])
        }
    }

    struct OpenChannel {
        let callNumber: UInt64
        let routing: [[UInt8]]
        /// Instants as offsets since `ClockOffset.origin`: a channel is moved into and out
        /// of the table on every call, and a resilient `ContinuousClock.Instant` inline
        /// would make each move go through value witnesses.
        var nextHeartbeat: Duration
        var lastHeartbeatSeen: Duration?
        /// A generator closed by its client: the handler is being cancelled and
        /// `STREAM_DONE` goes out once it has ended; its own events are dropped.
        var isClosing = false
        /// The client reads several events a message (`ProtocolExtension.batch`).
        var readsBatches = false
    }

    /// A class, not a struct: the call table hands out references, where a copy of
    /// the value cost a retain and a release per field (some thirty per call).
    final class AdmittedCall {
        let number: UInt64
        let entry: MethodEntry
        let incoming: IncomingCall
        /// Nil for a one-way call, already answered.
        let channel: ChannelKey?
        /// Set by the loop when it starts the handler; nil while the call waits for a slot.
        var handler: RunningHandler?

        init(number: UInt64, entry: MethodEntry, incoming: IncomingCall, channel: ChannelKey?) {
            self.number = number
            self.entry = entry
            self.incoming = incoming
            self.channel = channel
        }
    }

    /// What runs a started call's handler, for cancelling it.
    enum RunningHandler {
        /// A runner reused from call to call (`HandlerExecution.inline`).
        case runner(HandlerRunners.Runner)
        /// A task of its own, on the concurrent executor.
        case task(Task<Void, Never>)
    }

    /// Where a new call would go under the concurrency limit.
    enum Admission: Equatable {
        /// A handler slot is free: it starts at once.
        case runsNow
        /// Every slot is taken: it waits in the queue (FIFO).
        case waits
        /// The queue is full too: answer `ServerBusy`.
        case refused
    }

    /// What happened to a channel the client closed (`_zpc_close`); the loop cancels and
    /// sends accordingly.
    enum ClosedChannel {
        /// No call behind it any more: the channel was just forgotten.
        case forgotten
        /// Its handler runs: cancel its task (a generator's channel stays open, closing,
        /// until the handler ends and `STREAM_DONE` goes out).
        case cancelRunning(AdmittedCall)
        /// It still waited for a slot: removed, it never runs.
        case droppedWaiting(AdmittedCall)
    }

    /// What a heartbeat tick found: channels to send `_zpc_hb` on, and calls whose client
    /// stayed silent for two periods (their channels are already gone).
    struct HeartbeatTick {
        var heartbeats: [(messageID: ArraySlice<UInt8>, routing: [[UInt8]])] = []
        /// The lost calls; a running one's task must be cancelled, a waiting one was
        /// removed from the table already.
        var lost: [(callNumber: UInt64, running: AdmittedCall?)] = []
    }

    let maximumConcurrentCalls: Int
    let maximumQueuedCalls: Int
    let heartbeatInterval: Duration

    private(set) var channels: [ChannelKey: OpenChannel] = [:]
    private(set) var calls = CallsByNumber()
    /// Call numbers in arrival order; removed calls are skipped when popped.
    private var waitingCalls = FIFO<UInt64>(compactionThreshold: 1024)
    /// Handlers started and not yet finished.
    private(set) var runningCount = 0
    private var nextCallNumber: UInt64 = 0
    /// The earliest heartbeat tick of any channel (or earlier): channels are only scanned
    /// when it is due, so a request or reply costs O(1) however many calls are open.
    var heartbeatsDue: NextWakeUp { heartbeatsDueCell.value }
    private let heartbeatsDueCell = NextWakeUpCell()
    /// Streams whose items wait in their outbox because their client's queue is full
    /// (`maximumQueuedBytesPerPeer`): flushed once it has drained to half.
    var streamsWaitingForPeers: Set<UInt64> = []
    private(set) var lifecycle = ServerLifecycle.running

    init(maximumConcurrentCalls: Int, maximumQueuedCalls: Int, heartbeatInterval: Duration) {
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.maximumQueuedCalls = maximumQueuedCalls
        self.heartbeatInterval = heartbeatInterval
    }

    /// Calls admitted and waiting for a handler slot (some may have been removed since).
    @inline(__always) var waitingCount: Int { waitingCalls.count }

    // MARK: Admission

    /// Where a new call would go now.
    @inline(__always) var admission: Admission {
        guard runningCount >= maximumConcurrentCalls else { return .runsNow }
        return waitingCount >= maximumQueuedCalls ? .refused : .waits
    }

    /// The number of the next call, taken before it is admitted (its stream sink needs it).
    mutating func takeCallNumber() -> UInt64 {
        nextCallNumber &+= 1
        return nextCallNumber
    }

    /// Opens the heartbeated channel of a call that expects a reply.
    mutating func openChannel(
        _ key: ChannelKey, callNumber: UInt64, routing: [[UInt8]], now: ContinuousClock.Instant,
        readsBatches: Bool = false
    ) {
        let nextHeartbeat = ClockOffset.of(now) + heartbeatInterval
        channels[key] = OpenChannel(
            callNumber: callNumber, routing: routing, nextHeartbeat: nextHeartbeat, readsBatches: readsBatches)
        heartbeatsDueCell.value.consider(offset: nextHeartbeat)
    }

    /// Records `call`; true when its handler must start now (it took a slot), false when
    /// it waits in the queue. Callers checked `admission` first.
    mutating func admit(_ call: AdmittedCall) -> Bool {
        calls[call.number] = call
        if runningCount < maximumConcurrentCalls {
            runningCount += 1
            return true
        }
        waitingCalls.append(call.number)
        return false
    }

    /// The oldest waiting call that is still in the table, now holding a slot; nil when
    /// no slot is free or nothing waits. The loop starts its handler.
    mutating func takeNextWaitingCall() -> AdmittedCall? {
        if waitingCalls.isEmpty { return nil }
        var next: AdmittedCall?
        while next == nil && runningCount < maximumConcurrentCalls, let number = waitingCalls.popFirst() {
            next = calls[number]
        }
        if next != nil { runningCount += 1 }
        return next
    }

    /// A handler ended: removes its call and frees its slot. Returns the call and, when
    /// its channel is still its own (a peer may have reused the message_id after an ERR
    /// or `_zpc_close`), that channel, now closed, for the final reply.
    mutating func finish(_ number: UInt64) -> (call: AdmittedCall, channel: OpenChannel?)? {
        guard let call = calls.removeValue(forKey: number) else { return nil }
        runningCount -= 1
        // One lookup; the channel is moved out of the table, not copied.
        guard let key = call.channel, let index = channels.index(forKey: key),
            channels.values[index].callNumber == number
        else { return (call, nil) }
        return (call, channels.remove(at: index).value)
    }

    /// Removes a call whose handler never started (it waited, or it is being dropped).
    mutating func forgetWaitingCall(_ number: UInt64) {
        if let call = calls[number], call.handler == nil { calls[number] = nil }
    }

    // MARK: Channels

    /// The call's channel while it is still that call's own and not closing.
    func liveChannel(of call: AdmittedCall) -> OpenChannel? {
        guard let key = call.channel, let channel = channels[key], channel.callNumber == call.number,
            !channel.isClosing
        else { return nil }
        return channel
    }

    /// A heartbeat from the client of `key`'s call.
    mutating func noteHeartbeat(on key: ChannelKey, now: ContinuousClock.Instant) {
        channels[key]?.lastHeartbeatSeen = ClockOffset.of(now)
    }

    /// `_zpc_close` on an open channel. Marks a running generator's channel closing,
    /// removes every other; removes a call that still waited.
    mutating func closeChannel(_ key: ChannelKey) -> ClosedChannel {
        guard let number = channels[key]?.callNumber, let call = calls[number] else {
            channels[key] = nil
            return .forgotten
        }
        if call.handler != nil {
            if call.entry.streaming == .generator {
                channels[key]?.isClosing = true
            } else {
                channels[key] = nil
            }
            return .cancelRunning(call)
        }
        channels[key] = nil
        calls[number] = nil
        return .droppedWaiting(call)
    }

    /// Removes the channel of a call that is being ended early (a stream failed); nil
    /// when it has none any more.
    mutating func removeChannel(of number: UInt64) -> (call: AdmittedCall, key: ChannelKey, channel: OpenChannel)? {
        guard let call = calls[number], let key = call.channel, let channel = channels.removeValue(forKey: key) else {
            return nil
        }
        return (call, key, channel)
    }

    // MARK: Heartbeats

    /// At `now`: the channels whose period elapsed get a heartbeat (and their next tick),
    /// those whose client stayed silent for two periods are dropped with their call.
    /// Nothing is scanned before `heartbeatsDue`.
    mutating func heartbeatTick(now: ContinuousClock.Instant) -> HeartbeatTick {
        var tick = HeartbeatTick()
        let now = ClockOffset.of(now)
        guard let due = heartbeatsDue.offset, now >= due else { return tick }
        var lost: [ChannelKey] = []
        var next = NextWakeUp()
        for (key, channel) in channels {
            guard now >= channel.nextHeartbeat else {
                next.consider(offset: channel.nextHeartbeat)
                continue
            }
            let lastSeen = channel.lastHeartbeatSeen ?? now
            if now - lastSeen > heartbeatInterval * 2 {
                lost.append(key)
                continue
            }
            let nextHeartbeat = now + heartbeatInterval
            channels[key]?.lastHeartbeatSeen = lastSeen
            channels[key]?.nextHeartbeat = nextHeartbeat
            next.consider(offset: nextHeartbeat)
            tick.heartbeats.append((key.messageID, channel.routing))
        }
        heartbeatsDueCell.value = next
        for key in lost {
            guard let channel = channels.removeValue(forKey: key) else { continue }
            let call = calls[channel.callNumber]
            if call?.handler == nil { calls[channel.callNumber] = nil }
            tick.lost.append((channel.callNumber, call?.handler == nil ? nil : call))
        }
        return tick
    }

    // MARK: Lifecycle

    /// Whether the loop should take another turn.
    @inline(__always) var isRunning: Bool { lifecycle.isRunning }

    mutating func refuseNewCalls() { lifecycle.refuseNewCalls() }

    mutating func beginDrain(_ drain: ServerLifecycle.Drain) { lifecycle.beginDrain(drain) }

    mutating func close() { lifecycle.close() }

    /// What a look at a drain found.
    enum DrainCheck: Equatable {
        /// No drain under way, or it still waits.
        case goesOn
        /// Nothing is left to wait for: the loop closes.
        case finished
        /// The deadline passed first: the loop closes and cancels `openCalls` calls.
        case deadlinePassed(openCalls: Int)
    }

    /// A drain in progress ends once no call is left and `otherWorkIsIdle` (deferred jobs,
    /// claims) says so, or at its deadline: the lifecycle moves to closing.
    mutating func checkDrain(
        now: ContinuousClock.Instant, otherWorkIsIdle: (ServerLifecycle.Drain) -> Bool
    ) -> DrainCheck {
        guard case .draining(let drain) = lifecycle else { return .goesOn }
        if calls.isEmpty && otherWorkIsIdle(drain) {
            lifecycle.close()
            return .finished
        }
        guard now >= drain.deadline else { return .goesOn }
        lifecycle.close()
        return .deadlinePassed(openCalls: calls.count)
    }

    /// The loop stopped: every call is dropped (the loop cancels their tasks first).
    mutating func stop() {
        calls = CallsByNumber()
        channels = [:]
        waitingCalls.removeAll()
        streamsWaitingForPeers = []
        lifecycle.stop()
    }
}

/// A server loop's life: `running` → (`refusingNewCalls` →) `draining` → `closing` →
/// `stopped`, with every transition here. Only forward: a later, longer drain never
/// extends an earlier deadline, and nothing reopens a closing loop.
enum ServerLifecycle: Equatable {
    /// A graceful shutdown: wait for the calls in flight until `deadline`. A class: a
    /// `ContinuousClock.Instant` (a resilient standard-library type) inline would give the
    /// enum, and the table holding it, a layout known only at run time, and each read of
    /// the loop's table a copy of the whole table through value witnesses (measured: +7 %
    /// instructions per server call).
    final class Drain: Equatable, Sendable {
        let deadline: ContinuousClock.Instant
        /// Also wait until deferred jobs finished and their results were acknowledged.
        let waitsForClaims: Bool

        init(deadline: ContinuousClock.Instant, waitsForClaims: Bool) {
            self.deadline = deadline
            self.waitsForClaims = waitsForClaims
        }

        static func == (lhs: Drain, rhs: Drain) -> Bool {
            lhs.deadline == rhs.deadline && lhs.waitsForClaims == rhs.waitsForClaims
        }
    }

    case running
    /// New calls are answered `ServerShuttingDown`; calls in flight go on.
    case refusingNewCalls
    /// Refusing new calls, and closing once the calls in flight ended or the deadline passed.
    case draining(Drain)
    /// The loop ends after this turn.
    case closing
    /// Sockets closed, calls cancelled.
    case stopped

    var isRunning: Bool {
        switch self {
        case .running, .refusingNewCalls, .draining: true
        case .closing, .stopped: false
        }
    }

    /// Whether new calls (other than the protocol's own) are refused.
    var refusesNewCalls: Bool {
        if case .running = self { return false }
        return true
    }

    var drain: Drain? {
        if case .draining(let drain) = self { return drain }
        return nil
    }

    mutating func refuseNewCalls() {
        if case .running = self { self = .refusingNewCalls }
    }

    /// Starts a drain, or keeps the one under way when its deadline is earlier.
    mutating func beginDrain(_ drain: Drain) {
        switch self {
        case .running, .refusingNewCalls: self = .draining(drain)
        case .draining(let current) where drain.deadline <= current.deadline: self = .draining(drain)
        case .draining, .closing, .stopped: break
        }
    }

    mutating func close() {
        if case .stopped = self { return }
        self = .closing
    }

    mutating func stop() { self = .stopped }
}

/// The admitted calls by call number (the server's own counter).
typealias CallsByNumber = TableByNumber<ServerCallTable.AdmittedCall>
