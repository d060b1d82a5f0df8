import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Header `"idem"`: a resent deferred request with the same key answers with the first
/// request's token instead of running the handler again.
@Suite struct DeferredIdempotencyTests {
    private func fixture(runs: TestCounter, release: TestGate) throws -> ServerFixture {
        try ServerFixture { server in
            try server.register(name: "job") { arguments, _ in
                runs.increment()
                await release.wait()
                return .int((arguments.first?.int64Value ?? 0) * 2)
            }
        }
    }

    private func start(
        _ client: Client, _ value: Int64, key: String?, budget: Duration
    ) async throws -> Deferred<MessagePackValue> {
        try await client.startDeferred(
            "job", options: CallOptions(deferAfter: budget, idempotencyKey: key), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(value)
            },
            result: { try $0.read(MessagePackValue.self) })
    }

    @Test func aResentRequestGetsTheSameTokenAndRunsOnce() async throws {
        let runs = TestCounter()
        let release = TestGate()
        let fixture = try fixture(runs: runs, release: release)
        defer { Task { await fixture.close() } }
        let first = try await start(fixture.client, 21, key: "order-7", budget: .zero)
        let resent = try await start(fixture.client, 21, key: "order-7", budget: .zero)
        #expect(first.token != nil)
        #expect(resent.token == first.token)
        let other = try await start(fixture.client, 5, key: "order-8", budget: .zero)
        #expect(other.token != first.token)
        release.open()
        #expect(try await resent.result() == 42)
        #expect(try await other.result() == 10)
        #expect(runs.value == 2, "the resent request ran the handler again")
    }

    @Test func aRequestAnsweredWithinItsBudgetIsStillFoundByItsKey() async throws {
        let runs = TestCounter()
        let release = TestGate()
        release.open()
        let fixture = try fixture(runs: runs, release: release)
        defer { Task { await fixture.close() } }
        let first = try await start(fixture.client, 4, key: "once", budget: .seconds(20))
        #expect(first.token == nil, "answered in full within the budget")
        #expect(try await first.value == 8)
        // The answer was lost on the way, say: the retry gets the stored result.
        let retry = try await start(fixture.client, 4, key: "once", budget: .seconds(20))
        #expect(retry.token != nil)
        #expect(try await retry.value == 8)
        #expect(runs.value == 1)
    }
}
