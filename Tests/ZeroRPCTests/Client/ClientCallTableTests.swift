import Testing

@testable import ZeroRPC

/// The client's call table without sockets: replies matched to calls by `response_to`,
/// timeouts, deadlines, heartbeats and lost servers at given instants, calls waiting for
/// a connection, cancels that overtake their call, and the lifecycle. Time is passed in;
/// nothing sleeps.
@Suite struct ClientCallTableTests {
    let start = ContinuousClock.now
    let interval: Duration = .seconds(5)

    private static let callIDs = LockedValue<UInt64>(0)

    /// A unary call with a fresh `message_id`, as `Client` makes one.
    private func newCall(_ options: CallOptions = .defaults, method: String = "add") -> OutgoingCall {
        let (messageID, payload) = EventEncoder.request(method, header: [], arguments: [0x90])
        let callID = Self.callIDs.withLock { id in
            id += 1
            return id
        }
        return OutgoingCall(
            callID: callID, method: method, messageID: messageID, payload: payload, options: options,
            receiver: .led)
    }

    // MARK: Reply matching

    @Test func aReplyFindsItsCallByResponseTo() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let first = newCall()
        let second = newCall()
        table.add(first, connectionIndex: 0, now: start)
        table.add(second, connectionIndex: 1, now: start)
        let match = table.call(answering: second.messageID)
        #expect(match?.callID == second.callID)
        #expect(match?.pending.connectionIndex == 1)
        // Matched by the bytes, not the slice's storage: a copy of the id finds it too.
        #expect(table.call(answering: ArraySlice(Array(first.messageID)))?.callID == first.callID)
    }

    @Test func repliesAlternatingBetweenTwoCallsEachFindTheirOwn() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let first = newCall()
        let second = newCall()
        table.add(first, connectionIndex: 0, now: start)
        table.add(second, connectionIndex: 1, now: start)
        for _ in 0..<3 {
            #expect(table.call(answering: first.messageID)?.callID == first.callID)
            #expect(table.call(answering: first.messageID)?.callID == first.callID)
            #expect(table.call(answering: second.messageID)?.callID == second.callID)
        }
        #expect(table.remove(second.callID) != nil)
        #expect(table.call(answering: second.messageID) == nil)
        #expect(table.call(answering: first.messageID)?.pending.connectionIndex == 0)
    }

    @Test func unknownAndRepeatedResponseToMatchNothing() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall()
        table.add(call, connectionIndex: 0, now: start)
        #expect(table.call(answering: newCall().messageID) == nil)
        // Answered once, so it is the remembered last answer (`lastAnswered`) too.
        #expect(table.call(answering: call.messageID)?.callID == call.callID)
        #expect(table.remove(call.callID)?.callID == call.callID)
        // A second reply to an ended call (a duplicate OK, a late heartbeat) is dropped.
        #expect(table.call(answering: call.messageID) == nil)
        #expect(table.remove(call.callID) == nil)
        #expect(table.isIdle)
    }

    // MARK: Early cancels

    @Test func aCancelThatOvertakesItsCallCancelsItOnArrival() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall()
        #expect(table.cancel(call.callID, now: start) == nil)
        #expect(table.takeEarlyCancel(call.callID) == true)
        #expect(table.takeEarlyCancel(call.callID) == false)  // used up
        #expect(table.takeEarlyCancel(newCall().callID) == false)
    }

    @Test func aCancelOfAPendingCallIsNotRememberedAsEarly() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall()
        table.add(call, connectionIndex: 0, now: start)
        #expect(table.cancel(call.callID, now: start) == nil)
        #expect(table.takeEarlyCancel(call.callID) == false)
    }

    @Test func earlyCancelsAreForgottenAfterAMinute() {
        var table = ClientCallTable(heartbeatInterval: interval)
        table.add(newCall(CallOptions(timeout: .seconds(600))), connectionIndex: 0, now: start)
        let kept = newCall()
        let forgotten = newCall()
        _ = table.cancel(forgotten.callID, now: start)
        _ = table.cancel(kept.callID, now: start + .seconds(30))
        _ = table.timerTick(now: start + .seconds(61))  // the pending call's heartbeat is due
        #expect(table.takeEarlyCancel(forgotten.callID) == false)
        #expect(table.takeEarlyCancel(kept.callID) == true)
    }

    // MARK: Timers

    @Test func aCallWithoutReplyTimesOutAtItsTimeout() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall(CallOptions(timeout: .seconds(2)))
        table.add(call, connectionIndex: 0, now: start)
        #expect(table.timersDue.instant == start + .seconds(2))
        #expect(table.timerTick(now: start + .seconds(1)).expired.isEmpty)
        let tick = table.timerTick(now: start + .seconds(2))
        #expect(tick.expired.map { $0.callID } == [call.callID])
        #expect(tick.expired.first?.error == .timeout(method: "add", after: .seconds(2)))
        #expect(table.calls[call.callID] != nil)  // the loop ends it
    }

    @Test func afterTheFirstReplyHeartbeatsKeepACallAlivePastItsTimeout() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall(CallOptions(timeout: .seconds(2)))
        let pending = table.add(call, connectionIndex: 0, now: start)
        table.markReplied(pending)
        #expect(pending.hasReplied && pending.replyDeadline == nil)
        for period in 1...6 {
            table.noteHeartbeat(pending, now: start + interval * period - .seconds(1))
            let tick = table.timerTick(now: start + interval * period)
            #expect(tick.expired.isEmpty, "period \(period)")
            #expect(tick.heartbeats.map(\.callID) == [call.callID], "period \(period)")
        }
    }

    @Test func aServerSilentForTwoPeriodsIsLost() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall(CallOptions(timeout: .seconds(600)))
        table.add(call, connectionIndex: 0, now: start)
        for period in 1...3 {
            let tick = table.timerTick(now: start + interval * period)
            #expect(tick.expired.isEmpty && tick.heartbeats.count == 1, "period \(period)")
        }
        let tick = table.timerTick(now: start + interval * 4)
        #expect(tick.heartbeats.isEmpty)
        #expect(tick.expired.first?.error == .lostRemote(method: "add"))
    }

    @Test func aWholeCallDeadlineEndsEvenAnAnsweredCall() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let call = newCall(CallOptions(timeout: .seconds(30), deadline: start + .seconds(3)))
        let pending = table.add(call, connectionIndex: 0, now: start)
        #expect(pending.replyDeadline == start + .seconds(3))
        table.markReplied(pending)
        #expect(table.timerTick(now: start + .seconds(2)).expired.isEmpty)
        #expect(table.timerTick(now: start + .seconds(3)).expired.map { $0.callID } == [call.callID])
    }

    @Test func timersAreNotScannedBeforeTheEarliestIsDue() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let pending = table.add(newCall(CallOptions(timeout: .seconds(600))), connectionIndex: 0, now: start)
        _ = table.timerTick(now: start + .seconds(4))
        #expect(pending.lastHeartbeatSeen == nil)  // untouched: nothing was due
        _ = table.timerTick(now: start + interval)
        #expect(pending.lastHeartbeatSeen == start + interval)
        #expect(pending.nextHeartbeat == start + interval * 2)
        #expect(table.timersDue.instant == start + interval * 2)
    }

    // MARK: Waiting for a connection

    @Test func callsWaitForAConnectionUntilTheConnectTimeout() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let first = newCall()
        let second = newCall(CallOptions(timeout: .milliseconds(500)))
        table.awaitConnection(first, since: start, connectTimeout: .seconds(1))
        table.awaitConnection(second, since: start, connectTimeout: .seconds(1))
        #expect(!table.isIdle)
        #expect(table.timersDue.instant == start + .milliseconds(500))  // its own, shorter timeout
        let early = table.timerTick(now: start + .milliseconds(500))
        #expect(early.notConnected.map(\.call.callID) == [second.callID])
        let late = table.timerTick(now: start + .seconds(1))
        #expect(late.notConnected.map(\.call.callID) == [first.callID])
        #expect(table.isIdle)
    }

    @Test func awaitingCallsStartInOrderOrAreCancelled() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let calls = (0..<3).map { _ in newCall() }
        for call in calls { table.awaitConnection(call, since: start, connectTimeout: .seconds(1)) }
        #expect(table.cancel(calls[1].callID, now: start)?.call.callID == calls[1].callID)
        #expect(table.takeEarlyCancel(calls[1].callID) == false)  // it was found: not early
        #expect(table.removeAwaiting(calls[1].callID) == nil)
        #expect(table.takeAwaitingCalls().map(\.call.callID) == [calls[0].callID, calls[2].callID])
        #expect(table.awaitingConnection.isEmpty)
    }

    // MARK: Lifecycle

    @Test func lifecycleMovesForwardOnly() {
        var table = ClientCallTable(heartbeatInterval: interval)
        let pending = newCall()
        let awaiting = newCall()
        table.add(pending, connectionIndex: 0, now: start)
        table.awaitConnection(awaiting, since: start, connectTimeout: .seconds(1))
        #expect(table.lifecycle == .running && table.lifecycle.isRunning)
        table.close()
        #expect(table.lifecycle == .closing && !table.lifecycle.isRunning)
        let left = table.stop()
        #expect(left.pending == [pending.callID])
        #expect(left.awaiting.map(\.call.callID) == [awaiting.callID])
        #expect(table.awaitingConnection.isEmpty)
        table.close()
        #expect(table.lifecycle == .stopped)
    }
}
