import Testing

@testable import ZeroRPC

/// The server's call table without sockets or handlers: admission under the concurrency
/// limit, the FIFO waiting queue, channels, heartbeats and lost clients at given instants,
/// and the lifecycle. Time is passed in; nothing sleeps.
@Suite struct ServerCallTableTests {
    typealias Call = ServerCallTable.AdmittedCall
    typealias Key = ServerCallTable.ChannelKey

    let start = ContinuousClock.now
    let interval: Duration = .seconds(5)

    private func table(concurrent: Int = 2, queued: Int = 2) -> ServerCallTable {
        ServerCallTable(maximumConcurrentCalls: concurrent, maximumQueuedCalls: queued, heartbeatInterval: interval)
    }

    private func key(_ id: UInt8, peer: UInt8 = 1) -> Key {
        Key(peer: [peer], messageID: [0xc4, 1, id][...])
    }

    /// A call numbered by the table, with a channel `key` opened at `start` unless nil.
    private func newCall(
        in table: inout ServerCallTable, key: Key?, streaming: StreamingKind? = nil
    ) throws -> Call {
        let number = table.takeCallNumber()
        let request = EventEncoder.encode(
            messageID: Array(key?.messageID ?? [0xc4, 1, 0]), responseTo: nil, name: "work", arguments: [0x90])
        let incoming = IncomingCall(event: try EventEnvelope(decoding: request), peerIdentity: [1])
        let entry = MethodEntry(isOneway: key == nil, parameters: nil, doc: nil, streaming: streaming, run: { _ in [] })
        if let key { table.openChannel(key, callNumber: number, routing: [key.peer], now: start) }
        return Call(number: number, entry: entry, incoming: incoming, channel: key)
    }

    /// Admits `call` and, when it took a slot, gives it a task as the loop would.
    @discardableResult
    private func admit(_ call: Call, in table: inout ServerCallTable) -> Bool {
        let startsNow = table.admit(call)
        if startsNow { call.handler = .task(Task {}) }
        return startsNow
    }

    // MARK: Admission

    @Test func admitsUpToTheLimitThenQueuesThenRefuses() throws {
        var table = table(concurrent: 2, queued: 2)
        var started: [Bool] = []
        for id in UInt8(1)...4 {
            #expect(table.admission == (id <= 2 ? .runsNow : .waits))
            started.append(admit(try newCall(in: &table, key: key(id)), in: &table))
        }
        #expect(started == [true, true, false, false])
        #expect(table.runningCount == 2)
        #expect(table.waitingCount == 2)
        #expect(table.admission == .refused)
        #expect(table.calls.count == 4)
    }

    /// `CallsByNumber` hashes call numbers without `Hasher`: thousands of consecutive
    /// numbers, and numbers far apart, are each found, replaced and removed as in a
    /// plain dictionary.
    @Test func callsByNumberKeepsEveryCallApart() throws {
        var table = table()
        let template = try newCall(in: &table, key: nil)
        var calls = CallsByNumber()
        let numbers = Array(UInt64(1)...5000) + [UInt64.max, UInt64.max - 1, 1 << 32, 1 << 63]
        var made: [UInt64: Call] = [:]
        for number in numbers {
            let call = Call(number: number, entry: template.entry, incoming: template.incoming, channel: nil)
            calls[number] = call
            made[number] = call
        }
        #expect(calls.count == numbers.count)
        #expect(numbers.allSatisfy { calls[$0] === made[$0] })
        for number in numbers where number % 2 == 1 {
            #expect(calls.removeValue(forKey: number) === made[number])
        }
        #expect(calls.removeValue(forKey: 1) == nil)
        #expect(calls.count == numbers.filter { $0 % 2 == 0 }.count)
        #expect(numbers.allSatisfy { calls[$0] === ($0 % 2 == 0 ? made[$0] : nil) })
        calls[2] = nil
        #expect(calls[2] == nil)
        #expect(!calls.isEmpty)
        #expect(Set(calls.values.map(\.number)) == Set(numbers.filter { $0 % 2 == 0 && $0 != 2 }))
    }

    @Test func callNumbersAreDistinctAndIncreasing() {
        var table = table()
        let numbers = (0..<5).map { _ in table.takeCallNumber() }
        #expect(numbers == [1, 2, 3, 4, 5])
    }

    @Test func finishingACallStartsTheWaitingOnesInArrivalOrder() throws {
        var table = table(concurrent: 1, queued: 10)
        let calls = try (UInt8(1)...4).map { try newCall(in: &table, key: key($0)) }
        for call in calls { admit(call, in: &table) }
        #expect(table.takeNextWaitingCall() == nil)  // the one slot is taken
        var order: [UInt64] = []
        var running = calls[0]
        while let finished = table.finish(running.number) {
            #expect(finished.call === running)
            guard let next = table.takeNextWaitingCall() else { break }
            #expect(table.takeNextWaitingCall() == nil)  // one slot: one call at a time
            next.handler = .task(Task {})
            order.append(next.number)
            running = next
        }
        #expect(order == [calls[1].number, calls[2].number, calls[3].number])
        #expect(table.runningCount == 0)
        #expect(table.waitingCount == 0)
        #expect(table.calls.isEmpty)
        #expect(table.admission == .runsNow)
    }

    @Test func aWaitingCallClosedByItsClientIsSkipped() throws {
        var table = table(concurrent: 1, queued: 10)
        let calls = try (UInt8(1)...3).map { try newCall(in: &table, key: key($0)) }
        for call in calls { admit(call, in: &table) }
        guard case .droppedWaiting(let dropped) = table.closeChannel(key(2)) else {
            Issue.record("a waiting call's channel closed without dropping it")
            return
        }
        #expect(dropped === calls[1])
        #expect(table.calls[calls[1].number] == nil)
        #expect(table.channels[key(2)] == nil)
        _ = table.finish(calls[0].number)
        #expect(table.takeNextWaitingCall() === calls[2])
    }

    @Test func finishingReturnsTheChannelOnlyWhileItIsTheCallsOwn() throws {
        var table = table(concurrent: 4)
        let first = try newCall(in: &table, key: key(1))
        admit(first, in: &table)
        // The client closes the channel (the handler runs on, cancelled) and reuses the id.
        guard case .cancelRunning = table.closeChannel(key(1)) else {
            Issue.record("a running unary call's close did not cancel it")
            return
        }
        let second = try newCall(in: &table, key: key(1))
        admit(second, in: &table)
        let firstEndResult = table.finish(first.number)
        let firstEnd = try #require(firstEndResult)
        #expect(firstEnd.channel == nil)
        #expect(table.channels[key(1)]?.callNumber == second.number)
        let secondEndResult = table.finish(second.number)
        let secondEnd = try #require(secondEndResult)
        #expect(secondEnd.channel?.callNumber == second.number)
        #expect(table.channels.isEmpty)
        #expect(table.finish(second.number) == nil)  // a second end is a no-op
        #expect(table.runningCount == 0)
    }

    @Test func aClosedGeneratorKeepsItsChannelUntilItsHandlerEnds() throws {
        var table = table()
        let generator = try newCall(in: &table, key: key(1), streaming: .generator)
        admit(generator, in: &table)
        #expect(table.liveChannel(of: generator) != nil)
        guard case .cancelRunning(let cancelled) = table.closeChannel(key(1)) else {
            Issue.record("a running generator's close did not cancel it")
            return
        }
        #expect(cancelled === generator)
        #expect(table.channels[key(1)]?.isClosing == true)
        #expect(table.liveChannel(of: generator) == nil)  // its items are dropped
        let endResult = table.finish(generator.number)
        let end = try #require(endResult)
        #expect(end.channel?.isClosing == true)  // STREAM_DONE goes out on it
        #expect(table.channels.isEmpty)
    }

    @Test func aFailedStreamLosesItsChannelAndAWaitingOneIsForgotten() throws {
        var table = table(concurrent: 1)
        let running = try newCall(in: &table, key: key(1), streaming: .stream)
        let waiting = try newCall(in: &table, key: key(2), streaming: .stream)
        admit(running, in: &table)
        admit(waiting, in: &table)
        let removedResult = table.removeChannel(of: waiting.number)
        let removed = try #require(removedResult)
        #expect(removed.key == key(2))
        #expect(table.removeChannel(of: waiting.number) == nil)
        table.forgetWaitingCall(waiting.number)
        table.forgetWaitingCall(running.number)  // started: stays until its handler ends
        #expect(table.calls[waiting.number] == nil)
        #expect(table.calls[running.number] != nil)
    }

    // MARK: Heartbeats

    @Test func heartbeatsGoOutEachPeriodAndNotBefore() throws {
        var table = table()
        let call = try newCall(in: &table, key: key(1))
        admit(call, in: &table)
        #expect(table.heartbeatsDue.instant == start + interval)
        #expect(table.heartbeatTick(now: start + .seconds(4)).heartbeats.isEmpty)
        let first = table.heartbeatTick(now: start + interval)
        #expect(first.heartbeats.map { $0.messageID } == [key(1).messageID])
        #expect(first.heartbeats.first?.routing == [[1]])
        #expect(table.heartbeatsDue.instant == start + interval * 2)
        // Not again within the same period.
        #expect(table.heartbeatTick(now: start + .seconds(9)).heartbeats.isEmpty)
        #expect(table.heartbeatTick(now: start + interval * 2).heartbeats.count == 1)
    }

    @Test func aClientSilentForTwoPeriodsIsLostAndItsCallCancelled() throws {
        var table = table(concurrent: 1)
        let running = try newCall(in: &table, key: key(1))
        let waiting = try newCall(in: &table, key: key(2))
        admit(running, in: &table)
        admit(waiting, in: &table)
        // The first tick counts as the last sign of life; two silent periods later the
        // channels are gone.
        for period in 1...3 {
            let tick = table.heartbeatTick(now: start + interval * period)
            #expect(tick.heartbeats.count == 2 && tick.lost.isEmpty, "period \(period)")
        }
        let tick = table.heartbeatTick(now: start + interval * 4)
        #expect(tick.heartbeats.isEmpty)
        let lost = Dictionary(uniqueKeysWithValues: tick.lost.map { ($0.callNumber, $0.running) })
        #expect(lost.count == 2)
        #expect(lost[running.number]! === running)  // its task is to be cancelled
        #expect(lost[waiting.number]! == nil)  // never started: already forgotten
        #expect(table.channels.isEmpty)
        #expect(table.calls[waiting.number] == nil)
        #expect(table.calls[running.number] != nil)  // until its handler ends
        #expect(table.heartbeatsDue.instant == nil)
    }

    @Test func aClientThatHeartbeatsStaysAlive() throws {
        var table = table()
        let call = try newCall(in: &table, key: key(1))
        admit(call, in: &table)
        for period in 1...6 {
            table.noteHeartbeat(on: key(1), now: start + interval * period - .seconds(1))
            let tick = table.heartbeatTick(now: start + interval * period)
            #expect(tick.lost.isEmpty && tick.heartbeats.count == 1, "period \(period)")
        }
    }

    @Test func oneWayCallsHaveNoChannelToHeartbeat() throws {
        var table = table()
        let oneway = try newCall(in: &table, key: nil)
        admit(oneway, in: &table)
        #expect(table.channels.isEmpty)
        #expect(table.heartbeatsDue.instant == nil)
        let endResult = table.finish(oneway.number)
        let end = try #require(endResult)
        #expect(end.channel == nil)
    }

    // MARK: Lifecycle

    @Test func lifecycleMovesForwardOnly() {
        var table = table()
        #expect(table.lifecycle == .running && table.isRunning && !table.lifecycle.refusesNewCalls)
        table.refuseNewCalls()
        #expect(table.lifecycle == .refusingNewCalls && table.isRunning && table.lifecycle.refusesNewCalls)
        let late = ServerLifecycle.Drain(deadline: start + .seconds(20), waitsForClaims: false)
        let early = ServerLifecycle.Drain(deadline: start + .seconds(10), waitsForClaims: true)
        table.beginDrain(early)
        table.beginDrain(late)  // a later deadline never extends the first
        #expect(table.lifecycle == .draining(early))
        table.refuseNewCalls()
        #expect(table.lifecycle.drain == early)
        table.close()
        #expect(table.lifecycle == .closing && !table.isRunning)
        table.beginDrain(early)
        table.refuseNewCalls()
        #expect(table.lifecycle == .closing)
        table.stop()
        table.close()
        #expect(table.lifecycle == .stopped && !table.isRunning)
    }

    @Test func anEarlierDrainDeadlineReplacesALaterOne() {
        var lifecycle = ServerLifecycle.running
        let late = ServerLifecycle.Drain(deadline: start + .seconds(20), waitsForClaims: false)
        let early = ServerLifecycle.Drain(deadline: start + .seconds(10), waitsForClaims: false)
        lifecycle.beginDrain(late)
        lifecycle.beginDrain(early)
        #expect(lifecycle.drain == early)
    }

    @Test func aDrainEndsWhenTheLastCallFinishesAndOtherWorkIsIdle() throws {
        var table = table()
        let call = try newCall(in: &table, key: key(1))
        admit(call, in: &table)
        #expect(table.checkDrain(now: start) { _ in true } == .goesOn)  // not draining
        table.beginDrain(.init(deadline: start + .seconds(10), waitsForClaims: true))
        #expect(table.checkDrain(now: start) { _ in true } == .goesOn)  // a call is open
        _ = table.finish(call.number)
        var askedAbout: ServerLifecycle.Drain?
        #expect(
            table.checkDrain(now: start) {
                askedAbout = $0; return false
            } == .goesOn)
        #expect(askedAbout?.waitsForClaims == true)
        #expect(table.isRunning)
        #expect(table.checkDrain(now: start) { _ in true } == .finished)
        #expect(table.lifecycle == .closing)
    }

    @Test func aDrainDeadlineClosesWithCallsStillOpen() throws {
        var table = table()
        admit(try newCall(in: &table, key: key(1)), in: &table)
        admit(try newCall(in: &table, key: key(2)), in: &table)
        table.beginDrain(.init(deadline: start + .seconds(10), waitsForClaims: false))
        #expect(table.checkDrain(now: start + .seconds(9)) { _ in true } == .goesOn)
        #expect(table.checkDrain(now: start + .seconds(10)) { _ in true } == .deadlinePassed(openCalls: 2))
        #expect(!table.isRunning)
        table.stop()
        #expect(table.calls.isEmpty && table.channels.isEmpty && table.waitingCount == 0)
    }
}
