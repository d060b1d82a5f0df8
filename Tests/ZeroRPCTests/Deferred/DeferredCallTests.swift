import Foundation
import Testing

@testable import ZeroRPC

/// The wire half of deferred results, end to end through `Client` and `Server`.
@Suite("Deferred calls", .timeLimit(.minutes(2)))
struct DeferredCallTests {
    @Test func budgetMetAnswersPlainOKAndStoresNothing() async throws {
        let fixture = try DeferredCallFixture()
        let store = try #require(fixture.store as? MemoryResultStore)
        #expect(try await fixture.client.call("quick", [7], options: .deferring(after: .seconds(10))) == 7)
        let handle = try await fixture.client.startDeferred(
            "quick", options: .deferring(after: .seconds(10)), declaredErrors: [],
            arguments: { $0.write(MessagePackValue.array([8])) }, result: { try $0.read(Int64.self) })
        #expect(handle.token == nil)
        #expect(try await handle.value == 8)
        #expect(try await handle.status() == .done)
        #expect(store.entryCount == 0)
        await fixture.close()
    }

    @Test(arguments: TestTransport.allCases)
    func budgetExceededDefersThenAutoWaitingGetsTheResult(_ transport: TestTransport) async throws {
        let fixture = try DeferredCallFixture(transport)
        let store = try #require(fixture.store as? MemoryResultStore)
        let call = Task {
            try await fixture.client.call("hold", [5], options: .deferring(after: .milliseconds(20)))
        }
        #expect(await opens(fixture.started))
        await eventually { store.entryCount == 1 }  // answered DEFERRED, entry pending
        fixture.release.open()
        #expect(try await call.value == 5)
        await eventually { store.entryCount == 0 }  // the client acknowledged it
        await fixture.close()
    }

    @Test func withoutABudgetASlowCallIsNeverDeferred() async throws {
        let fixture = try DeferredCallFixture()
        let store = try #require(fixture.store as? MemoryResultStore)
        let call = Task { try await fixture.client.call("hold", [3]) }
        #expect(await opens(fixture.progressed))
        #expect(store.entryCount == 0)
        fixture.release.open()
        #expect(try await call.value == 3)
        #expect(store.entryCount == 0)
        await fixture.close()
    }

    @Test func manualHandleReportsStatusProgressAndPolls() async throws {
        let fixture = try DeferredCallFixture()
        let handle = try await fixture.startHold(42)
        _ = try deferredToken(handle)
        #expect(await opens(fixture.progressed))
        #expect(try await handle.status() == .running(progress: 0.4, message: "step 2/5"))
        #expect(try await handle.poll() == nil)
        fixture.release.open()
        #expect(try await handle.result() == 42)
        #expect(try await handle.poll() == 42)  // kept by the handle after the ack
        #expect(try await handle.value == 42)
        #expect(try await handle.status() == .done)
        await fixture.close()
    }

    @Test func aDeclaredErrorOfADeferredJobArrivesTyped() async throws {
        let fixture = try DeferredCallFixture()
        let handle = try await fixture.client.startDeferred(
            "hold_fail", options: .deferring(after: .zero), declaredErrors: [DivisionByZero.self],
            arguments: { $0.writeArrayHeader(0) }, result: { try $0.read(Int64.self) })
        let token = try deferredToken(handle)
        fixture.release.open()
        _ = try await finishedOutcome(token, in: fixture.store)
        #expect(try await handle.status() == .failed(name: "DivisionByZero", message: "division of 7.0 by zero"))
        await #expect(throws: DivisionByZero(dividend: 7)) { try await handle.result() }
        await #expect(throws: DivisionByZero(dividend: 7)) { try await handle.value }
        await fixture.close()
    }

    @Test func cancelStopsTheServerTaskAndTheEntryEndsCancelled() async throws {
        let fixture = try DeferredCallFixture()
        let handle = try await fixture.startHold()
        let token = try deferredToken(handle)
        #expect(await opens(fixture.started))
        #expect(try await handle.cancel())
        #expect(await opens(fixture.cancelled))
        #expect(try await finishedOutcome(token, in: fixture.store) == .cancelled)
        #expect(try await handle.status() == .cancelled)
        await #expect(throws: RPCError.deferredCancelled(token)) { try await handle.result() }
        #expect(try await handle.cancel() == false)
        await fixture.close()
    }

    @Test func cancellingAnAutomaticWaitCancelsTheServerJob() async throws {
        let fixture = try DeferredCallFixture()
        let call = Task {
            try await fixture.client.call("hold", [1], options: .deferring(after: .zero))
        }
        #expect(await opens(fixture.started))
        await eventually { (fixture.store as? MemoryResultStore)?.entryCount == 1 }
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(await opens(fixture.cancelled))
        await fixture.close()
    }

    @Test func cancellingAManualWaitLeavesTheJobRunning() async throws {
        let fixture = try DeferredCallFixture()
        let handle = try await fixture.startHold(9)
        #expect(await opens(fixture.progressed))
        let waiter = Task { try await handle.result() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(!fixture.cancelled.isOpen)
        #expect(try await handle.status() == .running(progress: 0.4, message: "step 2/5"))
        fixture.release.open()
        #expect(try await handle.result() == 9)
        await fixture.close()
    }

    @Test func anotherClientResumesByTokenText() async throws {
        let fixture = try DeferredCallFixture()
        let handle = try await fixture.startHold(77)
        let text = try deferredToken(handle).text
        let other = try fixture.secondClient()
        let token = try #require(DeferredToken(text))
        let resumed: Deferred<Int64> = other.resumeDeferred(token, declaredErrors: []) { try $0.read(Int64.self) }
        #expect(await opens(fixture.progressed))
        #expect(try await resumed.status() == .running(progress: 0.4, message: "step 2/5"))
        fixture.release.open()
        #expect(try await resumed.value == 77)
        // Claimed (acknowledged) by the other client: gone for everyone else.
        try await eventually { try await fixture.store.lookup(token) == .unknown }
        await #expect(throws: RPCError.deferredNotFound(token)) { try await handle.result() }
        await other.close()
        await fixture.close()
    }

    @Test func unknownTokensAreAClearErrorNeverAHang() async throws {
        let fixture = try DeferredCallFixture()
        let token = DeferredToken(issuer: .random())
        let handle: Deferred<Int64> = fixture.client.resumeDeferred(token, declaredErrors: []) {
            try $0.read(Int64.self)
        }
        await #expect(throws: RPCError.deferredNotFound(token)) { try await handle.value }
        await #expect(throws: RPCError.deferredNotFound(token)) { try await handle.poll() }
        await #expect(throws: RPCError.deferredNotFound(token)) { try await handle.status() }
        #expect(try await handle.cancel() == false)
        await fixture.close()
    }

    @Test func unclaimedResultsExpireAfterTheirTimeToLive() async throws {
        let clock = ManualClock()
        let store = MemoryResultStore(tombstoneRetention: .seconds(3600), clock: clock.storeClock)
        let fixture = try DeferredCallFixture(store: store, timeToLive: .seconds(60))
        let handle = try await fixture.startHold(1)
        let token = try deferredToken(handle)
        fixture.release.open()
        #expect(try await finishedOutcome(token, in: store) != nil)
        clock.advance(by: .seconds(61))
        await #expect(throws: RPCError.expired(token)) { try await handle.result() }
        #expect(try await handle.status() == .expired)
        clock.advance(by: .seconds(3601))
        await store.expireEntries()
        await #expect(throws: RPCError.deferredNotFound(token)) { try await handle.result() }
        await fixture.close()
    }

    @Test func malformedDeferredRequestsAreAnsweredTypeError() async throws {
        let fixture = try DeferredCallFixture()
        await #expect(throws: RemoteError.self) { try await fixture.client.call("_zpc_result", ["not-a-token", 0]) }
        await #expect(throws: RemoteError.self) { try await fixture.client.call("_zpc_status", []) }
        #expect(try await fixture.client.call("quick", [1]) == 1)  // still serving
        await fixture.close()
    }
}
