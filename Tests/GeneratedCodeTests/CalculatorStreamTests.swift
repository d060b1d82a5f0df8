import Testing
import ZeroRPC

/// `count(to:) -> stream int` and `running_total() -> generator<int, int>` through the
/// generated client and service.
@Suite(.timeLimit(.minutes(1))) struct CalculatorStreamTests {
    @Test(arguments: Transport.allCases)
    func generatedStreamDeliversEveryElementInOrder(transport: Transport) async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: transport) { connection in
            let calculator = Calculator.Client(connection)
            var received: [Int64] = []
            // More than one credit window, so the client has to grant more on the way.
            for try await number in try await calculator.count(to: 250) {
                received.append(number)
            }
            #expect(received == Array(1...250))
        }
    }

    @Test func emptyGeneratedStreamEndsAtOnce() async throws {
        try await GeneratedServiceFixture.with(CalculatorImplementation(), over: .inproc) { connection in
            var received: [Int64] = []
            for try await number in try await Calculator.Client(connection).count(to: 0) {
                received.append(number)
            }
            #expect(received == [])
        }
    }

    @Test(arguments: Transport.allCases)
    func generatedGeneratorKeepsARunningTotalOfSentValues(transport: Transport) async throws {
        let implementation = CalculatorImplementation()
        try await GeneratedServiceFixture.with(implementation, over: transport) { connection in
            let totals = try await Calculator.Client(connection).runningTotal()
            #expect(try await totals.next() == 0)
            #expect(try await totals.send(5) == 5)
            #expect(try await totals.send(7) == 12)
            #expect(try await totals.next() == 12)
            await totals.close()
            #expect(implementation.runningTotalEnded.isOpen)
            await #expect(throws: GeneratorError.closed(method: "calc.running_total")) { try await totals.next() }
        }
    }

    /// The scoped forms: the body's result comes back, and the channel is closed when the
    /// body returns, even after a `break` — the generator's handler has ended by then.
    @Test func scopedStreamAndGeneratorCloseWhenTheBodyReturns() async throws {
        let implementation = CalculatorImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .tcp) { connection in
            let calculator = Calculator.Client(connection)
            let firstThree = try await calculator.count(to: 1_000_000) { stream in
                var taken: [Int64] = []
                for try await number in stream {
                    taken.append(number)
                    if taken.count == 3 { break }
                }
                return taken
            }
            #expect(firstThree == [1, 2, 3])
            let total = try await calculator.runningTotal { totals in
                _ = try await totals.next()
                return try await totals.send(9)
            }
            #expect(total == 9)
            #expect(implementation.runningTotalEnded.isOpen)
        }
    }
}
