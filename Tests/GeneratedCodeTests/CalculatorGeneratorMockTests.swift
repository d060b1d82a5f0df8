import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// A `Calculator.ClientProtocol` mock whose `runningTotal()` is a local `Generator`
/// behaves like the generated client talking to a real server.
@Suite(.timeLimit(.minutes(1))) struct CalculatorGeneratorMockTests {
    /// A mock running the real service implementation's body, without a socket.
    static func mock(running implementation: CalculatorImplementation) -> CalculatorMock {
        CalculatorMock { generator in
            try await implementation.runningTotal(
                generator: generator, context: ServerContext(method: "calc.running_total"))
        }
    }

    /// Steps, a `throw` the body lets escape, then use after the end and after close.
    static func expectStepsThrowAndClose(
        _ calculator: any Calculator.ClientProtocol, ended: TestGate
    ) async throws {
        let totals = try await calculator.runningTotal()
        #expect(try await totals.next() == 0)
        #expect(try await totals.send(5) == 5)
        #expect(try await totals.send(7) == 12)
        #expect(try await totals.next() == 12)
        await #expect(throws: RemoteError(name: "Reset", message: "from the test")) {
            try await totals.throw(RemoteThrow(name: "Reset", message: "from the test"))
        }
        #expect(ended.isOpen, "the body's cleanup ran when the error escaped")
        #expect(try await totals.next() == nil, "a generator ended by an error answers nil")
        await totals.close()
        await #expect(throws: GeneratorError.closed(method: "calc.running_total")) { try await totals.next() }
        await #expect(throws: GeneratorError.closed(method: "calc.running_total")) { try await totals.send(1) }
    }

    /// Closing a suspended generator runs its cleanup before `close()` returns.
    static func expectCloseWhileSuspended(
        _ calculator: any Calculator.ClientProtocol, ended: TestGate
    ) async throws {
        let totals = try await calculator.runningTotal()
        #expect(try await totals.next() == 0)
        #expect(try await totals.send(3) == 3)
        #expect(!ended.isOpen)
        await totals.close()
        #expect(ended.isOpen, "close() returned before the body's cleanup ran")
        await totals.close()  // a second close does nothing
        await #expect(throws: GeneratorError.closed(method: "calc.running_total")) {
            try await totals.throw(RemoteThrow(name: "Reset", message: ""))
        }
    }

    /// Runs `check` against the generated client of a served implementation, then
    /// against a mock running another implementation: both must pass it.
    static func expectServedAndMockedAgree(
        _ check: (any Calculator.ClientProtocol, TestGate) async throws -> Void
    ) async throws {
        let served = CalculatorImplementation()
        try await GeneratedServiceFixture.with(served, over: .inproc) { connection in
            try await check(Calculator.Client(connection), served.runningTotalEnded)
        }
        let mocked = CalculatorImplementation()
        try await check(Self.mock(running: mocked), mocked.runningTotalEnded)
    }

    @Test func theMockAndTheServerAgreeOnStepsThrowAndClose() async throws {
        try await Self.expectServedAndMockedAgree { try await Self.expectStepsThrowAndClose($0, ended: $1) }
    }

    @Test func theMockAndTheServerAgreeOnClosingASuspendedGenerator() async throws {
        try await Self.expectServedAndMockedAgree { try await Self.expectCloseWhileSuspended($0, ended: $1) }
    }

    @Test func aHandWrittenMockAnswersSentValuesAndCatchesThrows() async throws {
        let calculator: any Calculator.ClientProtocol = CalculatorMock { generator in
            var total: Int64 = 0
            while true {
                do {
                    total += try await generator.yield(total) ?? 0
                } catch let error as RemoteThrow where error.name == "Reset" {
                    total = 0
                }
            }
        }
        let totals = try await calculator.runningTotal()
        #expect(try await totals.send(100) == 0, "the first step starts the body; its value is dropped")
        #expect(try await totals.send(4) == 4)
        #expect(try await totals.throw(RemoteThrow(name: "Reset", message: "")) == 0)
        #expect(try await totals.send(2) == 2)
        var seen: [Int64] = []
        for try await total in totals {  // plain next() steps
            seen.append(total)
            if seen.count == 3 { break }
        }
        #expect(seen == [2, 2, 2])
        await #expect(throws: RemoteError(name: "Oops", message: "bad")) {
            try await totals.throw(RemoteThrow(name: "Oops", message: "bad"))
        }
        await totals.close()
    }
}
