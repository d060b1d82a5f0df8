import Foundation
import Testing

@testable import ZeroRPC

/// Long polls and cancellation requests, against every ``ResultStore``.
@Suite struct DeferredWaitingTests {
    @Test(arguments: StoreKind.allCases)
    func longPollWakesWhenTheEntryCompletes(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let token = try await fixture.store.createdEntry()
        let waiter = await store.waiter(for: token)
        let started = ContinuousClock.now
        try await store.complete(token, with: .success(encodedResult: [0x05]))
        #expect(try await waiter.value == .finished(.success(encodedResult: [0x05])))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(fixture.waiterCount(for: token) == 0)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func everyWaiterWakesOnce(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let token = try await fixture.store.createdEntry()
        let waiters = await store.waiters(for: token, count: 8)
        try await store.complete(token, with: .failure(DeferredError(name: "ValueError", message: "boom")))
        for waiter in waiters {
            #expect(try await waiter.value == .finished(.failure(DeferredError(name: "ValueError", message: "boom"))))
        }
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func longPollTimesOutWhilePending(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = try await fixture.store.createdEntry()
        try await fixture.store.reportProgress(token, progress: 0.25, message: "a quarter")
        let started = ContinuousClock.now
        let answer = try await fixture.store.wait(for: token, upTo: .milliseconds(80))
        #expect(answer == .unfinished(.running(progress: 0.25, message: "a quarter")))
        #expect(ContinuousClock.now - started >= .milliseconds(80))
        #expect(fixture.waiterCount(for: token) == 0)
        #expect(
            try await fixture.store.wait(for: token, upTo: .zero)
                == .unfinished(.running(progress: 0.25, message: "a quarter")))
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func cancellingTheWaitingTaskEndsTheWaitAndLeavesNoWaiter(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let token = try await fixture.store.createdEntry()
        let waiter = await store.waiter(for: token)
        let started = ContinuousClock.now
        waiter.cancel()
        #expect(try await waiter.value == .unfinished(.pending))
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(fixture.waiterCount(for: token) == 0)
        // The entry is untouched and completes normally afterwards.
        #expect(try await store.complete(token, with: .cancelled))
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func aTaskCancelledBeforeWaitingDoesNotSuspend(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let token = try await fixture.store.createdEntry()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await store.wait(for: token, upTo: .seconds(60))
        }
        #expect(try await waiter.value == .unfinished(.pending))
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func theOwnerIsToldAboutCancellationOnce(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let otherIssuer = try #require(DeferredServerID("other-server"))
        let requests = store.cancellationRequests(for: testIssuer)
        let token = freshToken()
        let othersToken = freshToken(otherIssuer)
        try await expectCreated(token, in: store)
        try await expectCreated(othersToken, in: store)

        #expect(try await store.isCancellationRequested(token) == false)
        #expect(try await store.requestCancellation(othersToken))  // not this owner's
        #expect(try await store.requestCancellation(token))
        #expect(try await store.requestCancellation(token))  // still unfinished: true, not told twice
        #expect(try await store.isCancellationRequested(token))
        #expect(try await store.status(of: token) == .pending)  // the owner decides when it stops

        var iterator = requests.makeAsyncIterator()
        #expect(await iterator.next() == token)
        try await store.complete(token, with: .cancelled)
        #expect(try await store.status(of: token) == .cancelled)
        #expect(try await store.requestCancellation(token) == false)

        let later = try await fixture.store.createdEntry()
        #expect(try await store.requestCancellation(later))
        #expect(await iterator.next() == later)  // othersToken never arrived
        await fixture.close()
    }
}
