import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// The shared factoring service (`GatedFactoring`) behind the `factor` / `startFactor` /
/// `resumeFactor` the plugin generates from `Schemas/factoring.rpc`.
struct SlowFactoring: GeneratedFactoring.Service {
    let factoring: GatedFactoring

    func factor(n: Int64, context: ServerContext) async throws -> [Int64] {
        await factoring.factor(n, context: context)
    }
}

@Suite("Deferred calls through the generated API", .timeLimit(.minutes(2)))
struct GeneratedDeferredTests {
    @Test func generatedFactorStartFactorAndResumeFactorWork() async throws {
        let factoring = GatedFactoring()
        let release = factoring.release
        let fixture = try ServerFixture { try $0.register(SlowFactoring(factoring: factoring)) }
        let calculator = GeneratedFactoring.Client(fixture.client)

        // Quick: within the budget, a plain answer and no token. The budget is generous
        // so a loaded machine (tests run in parallel on 2 cores) cannot miss it.
        #expect(try await calculator.factor(n: 360) == [2, 2, 2, 3, 3, 5])
        let quick = try await calculator.startFactor(n: 97, options: CallOptions(deferAfter: .seconds(20)))
        #expect(quick.token == nil)
        #expect(try await quick.value == [97])

        // Slow: startFactor returns once the default budget has elapsed, with a token.
        let slow = try await calculator.startFactor(n: 1001)
        let token = try #require(slow.token)
        let status = try await slow.status()  // progress races the budget on a slow machine
        #expect(status == .pending || status == .running(progress: 0.5, message: GatedFactoring.waitingMessage))

        // Another client resumes it by the token's text and gets the result.
        let other = try Client(connect: [fixture.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        let resumed = GeneratedFactoring.Client(other).resumeFactor(token: try #require(DeferredToken(token.text)))
        let plain = Task { try await calculator.factor(n: 1003) }  // auto-waits through DEFERRED
        release.open()
        #expect(try await resumed.value == [7, 11, 13])
        #expect(try await plain.value == [17, 59])
        await other.close()
        await fixture.close()
    }
}
