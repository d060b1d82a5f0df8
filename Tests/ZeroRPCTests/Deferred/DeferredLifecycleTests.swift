import Foundation
import Testing

@testable import ZeroRPC

/// The state machine every ``ResultStore`` implements.
@Suite struct DeferredLifecycleTests {
    @Test(arguments: StoreKind.allCases)
    func pendingThenRunningThenDone(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let token = freshToken()
        #expect(try await store.create(token, timeToLive: .seconds(60), idempotencyKey: nil) == .created)
        #expect(try await store.lookup(token) == .unfinished(.pending))
        #expect(try await store.status(of: token) == .pending)

        #expect(try await store.reportProgress(token, progress: 0.4, message: "step 2/5"))
        #expect(try await store.status(of: token) == .running(progress: 0.4, message: "step 2/5"))
        #expect(try await store.reportProgress(token, progress: 7, message: nil))
        #expect(try await store.status(of: token) == .running(progress: 1, message: nil))
        #expect(try await store.reportProgress(token, progress: .nan, message: "no number"))
        #expect(try await store.status(of: token) == .running(progress: nil, message: "no number"))

        #expect(try await store.complete(token, with: .success(encodedResult: [0x93, 1, 2, 3])))
        #expect(try await store.lookup(token) == .finished(.success(encodedResult: [0x93, 1, 2, 3])))
        #expect(try await store.status(of: token) == .done)
        #expect(try await store.reportProgress(token, progress: 0.9, message: nil) == false)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func failureKeepsEveryErrorField(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = try await fixture.store.createdEntry()
        let error = DeferredError(
            name: "DivisionByZero", message: "1 / 0", traceback: "at divide()", encodedFields: [0x81, 0xa1, 0x78, 0x01])
        #expect(try await fixture.store.complete(token, with: .failure(error)))
        #expect(try await fixture.store.lookup(token) == .finished(.failure(error)))
        #expect(try await fixture.store.status(of: token) == .failed(name: "DivisionByZero", message: "1 / 0"))

        let plain = try await fixture.store.createdEntry()
        try await fixture.store.complete(plain, with: .failure(DeferredError(name: "ValueError", message: "boom")))
        #expect(
            try await fixture.store.lookup(plain)
                == .finished(.failure(DeferredError(name: "ValueError", message: "boom"))))
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func theFirstOutcomeWins(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = try await fixture.store.createdEntry()
        #expect(try await fixture.store.complete(token, with: .cancelled))
        #expect(try await fixture.store.complete(token, with: .success(encodedResult: [0xc0])) == false)
        #expect(try await fixture.store.status(of: token) == .cancelled)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func readsAreIdempotentUntilAcknowledged(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = try await fixture.store.createdEntry()
        #expect(try await fixture.store.acknowledge(token) == false)  // unfinished: stays
        #expect(try await fixture.store.lookup(token) == .unfinished(.pending))
        try await fixture.store.complete(token, with: .success(encodedResult: [0x2a]))
        for _ in 0..<3 {
            #expect(
                try await fixture.store.wait(for: token, upTo: .seconds(1))
                    == .finished(.success(encodedResult: [0x2a])))
        }
        #expect(try await fixture.store.acknowledge(token))
        #expect(try await fixture.store.lookup(token) == .unknown)
        #expect(try await fixture.store.acknowledge(token) == false)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func unknownTokensAreAnAnswerNotAnError(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = freshToken()
        #expect(try await fixture.store.lookup(token) == .unknown)
        #expect(try await fixture.store.status(of: token) == nil)
        #expect(try await fixture.store.wait(for: token, upTo: .seconds(30)) == .unknown)
        #expect(try await fixture.store.reportProgress(token, progress: 0.5, message: nil) == false)
        #expect(try await fixture.store.complete(token, with: .cancelled) == false)
        #expect(try await fixture.store.requestCancellation(token) == false)
        #expect(try await fixture.store.isCancellationRequested(token) == false)
        #expect(try await fixture.store.lookup(token) == .unknown)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func timeToLiveCountsFromCompletionThenExpiredThenUnknown(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind, tombstoneRetention: .seconds(600))
        let store = fixture.store
        let token = try await fixture.store.createdEntry(timeToLive: .seconds(10))
        try await fixture.advanceWhileOwnerLives(by: .seconds(3600))  // unfinished entries never expire
        #expect(try await store.expireEntries() == 0)
        #expect(try await store.lookup(token) == .unfinished(.pending))

        try await store.complete(token, with: .success(encodedResult: [0x01]))
        fixture.clock.advance(by: .seconds(9))
        #expect(try await store.lookup(token) == .finished(.success(encodedResult: [0x01])))
        fixture.clock.advance(by: .seconds(2))
        #expect(try await store.lookup(token) == .expired)
        #expect(try await store.status(of: token) == .expired)
        #expect(try await store.wait(for: token, upTo: .seconds(30)) == .expired)
        #expect(try await store.acknowledge(token) == false)
        #expect(try await store.lookup(freshToken()) == .unknown)

        fixture.clock.advance(by: .seconds(601))
        #expect(try await store.expireEntries() == 0)
        #expect(try await store.lookup(token) == .unknown)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func sweepRemovesOnlyEntriesPastTheirTimeToLive(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let short = freshToken()
        let long = freshToken()
        let running = freshToken()
        try await expectCreated(short, in: store, timeToLive: .seconds(5))
        try await expectCreated(long, in: store, timeToLive: .seconds(50))
        try await expectCreated(running, in: store, timeToLive: .seconds(5))
        try await store.complete(short, with: .cancelled)
        try await store.complete(long, with: .cancelled)
        fixture.clock.advance(by: .seconds(6))
        #expect(try await store.expireEntries() == 1)
        #expect(try await store.expireEntries() == 0)
        #expect(try await store.lookup(short) == .expired)
        #expect(try await store.lookup(long) == .finished(.cancelled))
        #expect(try await store.lookup(running) == .unfinished(.pending))
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyKeyReturnsTheLiveEntrysToken(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let store = fixture.store
        let first = freshToken()
        #expect(try await store.create(first, timeToLive: .seconds(10), idempotencyKey: "order-7") == .created)
        #expect(
            try await store.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "order-7")
                == .existing(first))
        #expect(try await store.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "order-8") == .created)

        try await store.complete(first, with: .success(encodedResult: [0x07]))  // finished, unclaimed: still live
        #expect(
            try await store.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "order-7")
                == .existing(first))

        fixture.clock.advance(by: .seconds(11))  // expired: the key is free again
        let second = freshToken()
        #expect(try await store.create(second, timeToLive: .seconds(10), idempotencyKey: "order-7") == .created)
        #expect(
            try await store.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "order-7")
                == .existing(second))

        try await store.complete(second, with: .cancelled)
        try await store.acknowledge(second)  // acknowledged: the key is free again
        #expect(try await store.create(freshToken(), timeToLive: .seconds(10), idempotencyKey: "order-7") == .created)
        await fixture.close()
    }

    @Test(arguments: StoreKind.allCases)
    func creatingTheSameTokenTwiceKeepsTheFirstEntry(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = freshToken()
        #expect(try await fixture.store.create(token, timeToLive: .seconds(10), idempotencyKey: nil) == .created)
        try await fixture.store.reportProgress(token, progress: 0.5, message: nil)
        #expect(
            try await fixture.store.create(token, timeToLive: .seconds(10), idempotencyKey: nil) == .existing(token))
        #expect(try await fixture.store.status(of: token) == .running(progress: 0.5, message: nil))
        await fixture.close()
    }
}

extension DeferredLifecycleTests {
    @Test(arguments: StoreKind.allCases)
    func anEnormousTimeToLiveNeverOverflows(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture(kind)
        let token = try await fixture.store.createdEntry(timeToLive: .seconds(Int64.max))
        try await fixture.store.complete(token, with: .success(encodedResult: []))
        fixture.clock.advance(by: .seconds(86_400 * 365 * 100))
        #expect(try await fixture.store.lookup(token) == .finished(.success(encodedResult: [])))
        #expect(try await fixture.store.expireEntries() == 0)
        await fixture.close()
    }
}
