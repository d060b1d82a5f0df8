import Foundation
import Testing

@testable import ZeroRPC

/// What every shared store promises: instances on one file or database answer for each
/// other, wake each other's waiters, pass cancellation requests to the owner and turn a
/// silent owner's entries lost.
@Suite(.timeLimit(.minutes(2)))
struct DeferredSharedInstancesTests {
    @Test(arguments: SharedStoreKind.allCases)
    func aSecondInstanceAnswersATokenTheFirstCreatedAndCompleted(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let storeA = try await shared.open()
        let storeB = try await shared.open()
        #expect(SharedStoreInstances.instanceID(of: storeA) != SharedStoreInstances.instanceID(of: storeB))

        let token = try await storeA.createdEntry()
        #expect(try await storeB.lookup(token) == .unfinished(.pending))
        try await storeA.reportProgress(token, progress: 0.5, message: "half")
        #expect(try await storeB.status(of: token) == .running(progress: 0.5, message: "half"))
        try await storeA.complete(token, with: .success(encodedResult: [0x92, 0x02, 0x03]))
        #expect(try await storeB.lookup(token) == .finished(.success(encodedResult: [0x92, 0x02, 0x03])))
        #expect(try await storeB.acknowledge(token))
        #expect(try await storeA.lookup(token) == .unknown)
        await shared.close()
    }

    @Test(arguments: SharedStoreKind.allCases)
    func aWaiterOnOneInstanceSeesACompletionThroughAnother(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let storeA = try await shared.open()
        let storeB = try await shared.open()
        let token = try await storeA.createdEntry()
        let waiter = await storeB.waiter(for: token)
        let started = ContinuousClock.now
        try await storeA.complete(token, with: .cancelled)
        #expect(try await waiter.value == .finished(.cancelled))
        // SQLite re-reads every poll interval; PostgreSQL has no timer before the owner's
        // lease (30 s away): only its notification can wake the waiter this soon. 20 s,
        // not `TestTiming.boundedWait`: past 30 s the lease could have woken it.
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(storeB.localWaiterCount(for: token) == 0)
        await shared.close()
    }

    @Test(arguments: SharedStoreKind.allCases)
    func cancellationRequestedThroughOneInstanceReachesTheOwner(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let owner = try await shared.open()
        let other = try await shared.open()
        let ownerRequests = owner.cancellationRequests(for: testIssuer)
        let otherRequests = other.cancellationRequests(for: testIssuer)
        let token = try await owner.createdEntry()

        #expect(try await other.requestCancellation(token))
        #expect(try await owner.isCancellationRequested(token))
        var iterator = ownerRequests.makeAsyncIterator()
        #expect(await iterator.next() == token)
        // Later requests still arrive; the owner is not told twice.
        let second = try await owner.createdEntry()
        #expect(try await other.requestCancellation(second))
        #expect(try await other.requestCancellation(second))
        #expect(await iterator.next() == second)
        try await owner.complete(second, with: .cancelled)
        try await owner.complete(token, with: .cancelled)
        #expect(try await other.status(of: token) == .cancelled)

        // Only the instance running the job hears about it.
        await SharedStoreInstances.close(other)
        var otherIterator = otherRequests.makeAsyncIterator()
        #expect(await otherIterator.next() == nil)
        await shared.close()
    }

    @Test(arguments: SharedStoreKind.allCases)
    func theSweepFailsLostEntriesNobodyReads(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let owner = try await shared.open()
        let sweeper = try await shared.open()
        let token = try await owner.createdEntry()
        await SharedStoreInstances.close(owner)
        shared.clock.advance(by: .seconds(31))
        #expect(try await sweeper.expireEntries() == 0)  // failed as lost, then kept for its time to live
        shared.clock.advance(by: .seconds(61))
        #expect(try await sweeper.expireEntries() == 1)
        #expect(try await sweeper.lookup(token) == .expired)
        await shared.close()
    }

    @Test(arguments: SharedStoreKind.allCases)
    func idempotencyKeysAreSharedByTheInstances(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let storeA = try await shared.open()
        let storeB = try await shared.open()
        let first = freshToken()
        #expect(try await storeA.create(first, timeToLive: .seconds(10), idempotencyKey: "k") == .created)
        #expect(
            try await storeB.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "k") == .existing(first))
        await shared.close()
    }

    @Test(arguments: SharedStoreKind.allCases)
    func closingAnInstanceEndsItsWaitsWithAnError(_ kind: SharedStoreKind) async throws {
        let shared = try await SharedStoreInstances(kind)
        let store = try await shared.open()
        let token = try await store.createdEntry()
        let waiter = await store.waiter(for: token)
        await SharedStoreInstances.close(store)
        await #expect(throws: ResultStoreError.closed) { try await waiter.value }
        await #expect(throws: ResultStoreError.closed) { try await store.complete(token, with: .cancelled) }
        await SharedStoreInstances.close(store)  // a second close does nothing
        await shared.close()
    }
}
