import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `@deferred factor(n:)` through the generated `factor`, `startFactor` and
/// `resumeFactor(token:)`. Numbers from `GatedFactoring.threshold`
/// up wait for the test, so a small budget always runs out first.
@Suite(.timeLimit(.minutes(1))) struct CalculatorDeferredTests {
    private static let smallBudget = CallOptions(deferAfter: .milliseconds(20))

    @Test func plainCallWaitsThroughADeferredAnswer() async throws {
        let implementation = CalculatorImplementation()
        let store = MemoryResultStore()
        try await GeneratedServiceFixture.with(
            implementation, over: .inproc, options: ServerOptions(deferred: .init(store: store))
        ) { connection in
            defer { implementation.slowFactoring.open() }
            let calculator = Calculator.Client(connection)
            let call = Task { try await calculator.factor(n: 1001, options: Self.smallBudget) }
            try await waitUntil { store.entryCount == 1 }  // answered DEFERRED: the result goes to the store
            implementation.slowFactoring.open()
            #expect(try await call.value == [7, 11, 13])
            try await waitUntil { store.entryCount == 0 }  // claimed and acknowledged
        }
    }

    @Test func quickStartFactorHoldsTheResultWithoutAToken() async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: .inproc) { connection in
            // A generous budget: a loaded machine (the suite runs in parallel on 2 cores)
            // must not defer a quick call. The default budget's behaviour is the same code.
            let job = try await Calculator.Client(connection).startFactor(
                n: 97, options: ZeroRPC.CallOptions(deferAfter: .seconds(20)))
            #expect(job.token == nil)
            #expect(try await job.value == [97])
        }
    }

    @Test(arguments: Transport.allCases)
    func startFactorTokenIsResumedFromASecondClient(transport: Transport) async throws {
        let implementation = CalculatorImplementation()
        try await GeneratedServiceFixture.serving(implementation, over: transport) { connection, endpoint in
            defer { implementation.slowFactoring.open() }
            let job = try await Calculator.Client(connection).startFactor(n: 1001, options: Self.smallBudget)
            let token = try #require(job.token)
            let status = try await job.status()  // the progress report races the budget
            #expect(status == .pending || status == .running(progress: 0.5, message: GatedFactoring.waitingMessage))

            let other = try Client(connect: [endpoint])
            let resumed = Calculator.Client(other).resumeFactor(token: try #require(DeferredToken(token.text)))
            implementation.slowFactoring.open()
            let factors = try await resumed.value
            await other.close()
            #expect(factors == [7, 11, 13])
        }
    }
}
