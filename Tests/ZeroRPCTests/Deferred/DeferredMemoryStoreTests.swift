import Foundation
import Testing

@testable import ZeroRPC

/// What only the in-memory store promises: sharding under load, periodic expiry.
@Suite struct DeferredMemoryStoreTests {
    @Test func manyTasksCreateWaitCompleteAndAcknowledgeConcurrently() async throws {
        let memory = MemoryResultStore()
        let store: any ResultStore = memory
        let jobs = 2_000
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for job in 0..<jobs {
                group.addTask {
                    let token = freshToken()
                    let key = job.isMultiple(of: 4) ? "key-\(job)" : nil
                    guard try await store.create(token, timeToLive: .seconds(60), idempotencyKey: key) == .created
                    else {
                        return false
                    }
                    let expected = DeferredLookup.finished(.success(encodedResult: [UInt8(truncatingIfNeeded: job)]))
                    async let waited = store.wait(for: token, upTo: .seconds(60))
                    try await store.reportProgress(token, progress: 0.5, message: nil)
                    if job.isMultiple(of: 3) { try await store.requestCancellation(token) }
                    try await store.complete(token, with: .success(encodedResult: [UInt8(truncatingIfNeeded: job)]))
                    let delivered = try await waited == expected
                    let reread = try await store.lookup(token) == expected
                    let acknowledged = try await store.acknowledge(token)
                    return delivered && reread && acknowledged
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers.count == jobs)
        #expect(answers.allSatisfy { $0 })
        #expect(memory.entryCount == 0)
    }

    @Test func concurrentCreatesWithOneKeyYieldOneEntry() async throws {
        let memory = MemoryResultStore()
        let store: any ResultStore = memory
        let creations = try await withThrowingTaskGroup(of: (DeferredToken, DeferredCreation).self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let token = freshToken()
                    return (token, try await store.create(token, timeToLive: .seconds(60), idempotencyKey: "the-key"))
                }
            }
            return try await group.reduce(into: [(DeferredToken, DeferredCreation)]()) { $0.append($1) }
        }
        let created = creations.filter { $0.1 == .created }.map(\.0)
        #expect(created.count == 1)
        let winner = try #require(created.first)
        #expect(creations.allSatisfy { $0.0 == winner || $0.1 == .existing(winner) })
        #expect(memory.entryCount == 1)
    }

    @Test func tokensSpreadOverTheShards() {
        var used = Set<UInt64>()
        for _ in 0..<2_000 { used.insert(freshToken().shardingBits % UInt64(MemoryResultStore.shardCount)) }
        #expect(used.count == MemoryResultStore.shardCount)
    }

    @Test func periodicExpiryRemovesUnclaimedResults() async throws {
        let clock = ManualClock()
        let store = MemoryResultStore(clock: clock.storeClock)
        let token = freshToken()
        try await expectCreated(token, in: store, timeToLive: .seconds(1))
        await store.complete(token, with: .cancelled)
        clock.advance(by: .seconds(2))
        let expiry = Task { await store.runExpiry(every: .milliseconds(5)) }
        await eventually { store.entryCount == 0 }
        expiry.cancel()
        await expiry.value
        #expect(await store.lookup(token) == .expired)
    }

    @Test func cancellationStreamsEndWhenTheStoreGoes() async {
        var store: MemoryResultStore? = MemoryResultStore()
        let requests = store?.cancellationRequests(for: testIssuer)
        store = nil
        var iterator = requests?.makeAsyncIterator()
        #expect(await iterator?.next() == nil)
    }
}
