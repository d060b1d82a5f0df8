/// What a client knows about its calls, without any I/O: the pending calls and the
/// `message_id`s their replies answer, calls waiting for a connection, cancels that
/// overtook their call, timeouts and heartbeats, the lifecycle. `ClientLoop` asks it and
/// does the sending and resuming itself, so every rule here is unit-tested without a
/// socket (ClientCallTableTests).
struct ClientCallTable {
    /// An open call, as the table keeps it: the caller's `OutgoingCall` itself.
    typealias PendingCall = OutgoingCall

    /// A call that found no endpoint connected: sent once one is up, failed at `deadline`.
    struct AwaitingCall {
        let call: OutgoingCall
        let since: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
    }

    /// What a timer tick found; the loop sends the heartbeats and fails the rest.
    struct TimerTick {
        /// Calls due for a `_zpc_hb` (their next tick is already set).
        var heartbeats: [PendingCall] = []
        /// Calls past their deadline or silent for two heartbeat periods, still in the
        /// table: the loop ends each with its error.
        var expired: [(callID: UInt64, error: RPCError)] = []
        /// Calls that waited for a connection past their deadline, already removed.
        var notConnected: [AwaitingCall] = []
    }

    /// How long a cancel that found no call is remembered, for the call it overtook.
    static let earlyCancelMemory: Duration = .seconds(60)

    let heartbeatInterval: Duration
    private(set) var calls = TableByNumber<PendingCall>()
    private var callIDsByMessageID: [WireID: UInt64] = [:]
    /// The call the last event answered (`call(answering:)`): every item of a stream
    /// answers one channel, so the next one costs a comparison of ids instead of two
    /// lookups. Forgotten when that call leaves the table.
    private var lastAnswered: PendingCall?
    /// Calls that found no connected endpoint: started when one comes up, failed with
    /// `RPCError.notConnected` at their deadline (never sent).
    private(set) var awaitingConnection: [AwaitingCall] = []
    /// Cancels that overtook their call command (both race into the queue).
    private var earlyCancels: [UInt64: ContinuousClock.Instant] = [:]
    /// The earliest deadline or heartbeat tick of any call (or earlier): calls are only
    /// scanned when it is due, so a reply costs O(1) however many calls are open.
    var timersDue: NextWakeUp { timersDueCell.value }
    private let timersDueCell = NextWakeUpCell()
    private(set) var lifecycle = ClientLifecycle.running

    init(heartbeatInterval: Duration) {
        self.heartbeatInterval = heartbeatInterval
    }

    /// No call open and none waiting for a connection.
    @inline(__always) var isIdle: Bool { calls.isEmpty && awaitingConnection.isEmpty }

    // MARK: Calls

    /// Whether a cancel for `callID` came before the call itself; the cancel is used up.
    mutating func takeEarlyCancel(_ callID: UInt64) -> Bool {
        earlyCancels.isEmpty ? false : earlyCancels.removeValue(forKey: callID) != nil
    }

    /// Registers a call sent on connection `index` at `now`: its reply deadline (the call
    /// timeout or the whole-call deadline, whichever is first) and first heartbeat.
    @discardableResult
    mutating func add(_ call: OutgoingCall, connectionIndex index: Int, now: ContinuousClock.Instant) -> PendingCall {
        var deadline = now.advanced(by: call.options.timeout)
        if let whole = call.options.deadline, whole < deadline { deadline = whole }
        let nextHeartbeat = now.advanced(by: heartbeatInterval)
        call.enter(connectionIndex: index, replyDeadline: deadline, startedAt: now, nextHeartbeat: nextHeartbeat)
        calls[call.callID] = call
        timersDueCell.value.consider(min(deadline, nextHeartbeat))
        callIDsByMessageID[WireID(call.messageID)] = call.callID
        return call
    }

    /// The open call a reply's `response_to` answers, or nil (unknown, or already ended).
    mutating func call(answering responseTo: ArraySlice<UInt8>) -> (callID: UInt64, pending: PendingCall)? {
        if let last = lastAnswered, sameBytes(last.messageID, responseTo) { return (last.callID, last) }
        guard let callID = callIDsByMessageID[WireID(responseTo)], let pending = calls[callID] else { return nil }
        lastAnswered = pending
        return (callID, pending)
    }

    /// A heartbeat from the server of `pending`'s call.
    func noteHeartbeat(_ pending: PendingCall, now: ContinuousClock.Instant) {
        pending.lastHeartbeatSeen = now
    }

    /// A channel's first event: from now on only heartbeats (and a whole-call deadline)
    /// end it, not the call timeout.
    func markReplied(_ pending: PendingCall) {
        pending.hasReplied = true
        pending.replyDeadline = pending.options.deadline
    }

    /// Forgets the call; nil when it was no longer open.
    mutating func remove(_ callID: UInt64) -> PendingCall? {
        guard let pending = calls.removeValue(forKey: callID) else { return nil }
        callIDsByMessageID[WireID(pending.messageID)] = nil
        if lastAnswered === pending { lastAnswered = nil }
        return pending
    }

    /// A cancel for `callID`: the awaiting call it ends, or nil; when no call of that id
    /// is pending or awaiting either, it is remembered for the call it overtook.
    mutating func cancel(_ callID: UInt64, now: ContinuousClock.Instant) -> AwaitingCall? {
        if let waiting = removeAwaiting(callID) { return waiting }
        if calls[callID] == nil { earlyCancels[callID] = now }
        return nil
    }

    // MARK: Waiting for a connection

    /// A call that found no endpoint connected waits for one, until `connectTimeout` (or
    /// its own timeout or deadline, if earlier) counted from `since`.
    mutating func awaitConnection(_ call: OutgoingCall, since: ContinuousClock.Instant, connectTimeout: Duration) {
        var deadline = since.advanced(by: min(connectTimeout, call.options.timeout))
        if let whole = call.options.deadline, whole < deadline { deadline = whole }
        awaitingConnection.append(AwaitingCall(call: call, since: since, deadline: deadline))
        timersDueCell.value.consider(deadline)
    }

    /// Every call that waited for a connection, in arrival order, to start now.
    mutating func takeAwaitingCalls() -> [AwaitingCall] {
        defer { awaitingConnection = [] }
        return awaitingConnection
    }

    /// Removes the awaiting call `callID`, if there is one.
    mutating func removeAwaiting(_ callID: UInt64) -> AwaitingCall? {
        guard !awaitingConnection.isEmpty,
            let index = awaitingConnection.firstIndex(where: { $0.call.callID == callID })
        else { return nil }
        return awaitingConnection.remove(at: index)
    }

    // MARK: Timers

    /// At `now`: the calls past their deadline or silent for two heartbeat periods, those
    /// due for a heartbeat (their next tick set), and the awaiting calls that ran out of
    /// time. Nothing is scanned before `timersDue`; old early cancels are forgotten.
    mutating func timerTick(now: ContinuousClock.Instant) -> TimerTick {
        var tick = TimerTick()
        guard timersDue.isDue(now) else { return tick }
        var next = NextWakeUp()
        if !awaitingConnection.isEmpty {
            var remaining: [AwaitingCall] = []
            for entry in awaitingConnection {
                if now >= entry.deadline {
                    tick.notConnected.append(entry)
                } else {
                    remaining.append(entry)
                    next.consider(entry.deadline)
                }
            }
            awaitingConnection = remaining
        }
        for (callID, pending) in calls {
            if let deadline = pending.replyDeadline, now >= deadline {
                let error = RPCError.timeout(method: pending.method, after: pending.startedAt.duration(to: now))
                tick.expired.append((callID, error))
                continue
            }
            guard now >= pending.nextHeartbeat else {
                next.consider(pending.nextHeartbeat)
                if let deadline = pending.replyDeadline { next.consider(deadline) }
                continue
            }
            let lastSeen = pending.lastHeartbeatSeen ?? now
            if lastSeen.duration(to: now) > heartbeatInterval * 2 {
                tick.expired.append((callID, .lostRemote(method: pending.method)))
                continue
            }
            pending.lastHeartbeatSeen = lastSeen
            pending.nextHeartbeat = now.advanced(by: heartbeatInterval)
            next.consider(pending.nextHeartbeat)
            if let deadline = pending.replyDeadline { next.consider(deadline) }
            tick.heartbeats.append(pending)
        }
        timersDueCell.value = next
        if !earlyCancels.isEmpty {
            earlyCancels = earlyCancels.filter { $0.value.duration(to: now) < Self.earlyCancelMemory }
        }
        return tick
    }

    // MARK: Lifecycle

    /// The loop takes no more turns after this one; nothing is sent from here on.
    mutating func close() { lifecycle.close() }

    /// Ends the table: every pending and awaiting call, handed back to be failed.
    mutating func stop() -> (pending: [UInt64], awaiting: [AwaitingCall]) {
        lifecycle.stop()
        lastAnswered = nil
        let awaiting = awaitingConnection
        awaitingConnection = []
        earlyCancels = [:]
        return (calls.numbers, awaiting)
    }
}

/// A client loop's life: `running` → `closing` (a close command: the loop ends after this
/// turn, no caller may send) → `stopped` (calls failed, sockets closed). Only forward.
enum ClientLifecycle: Equatable {
    case running
    case closing
    case stopped

    var isRunning: Bool { self == .running }

    mutating func close() {
        if self == .running { self = .closing }
    }

    mutating func stop() { self = .stopped }
}
