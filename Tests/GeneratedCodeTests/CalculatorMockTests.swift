// A mock of the generated `Calculator.ClientProtocol` writes one method per @deferred
// method (`startFactor`); the protocol extension supplies `factor` and `resumeFactor`.
import Testing
import ZeroRPC

@Suite struct CalculatorMockTests {
    /// The smallest mock: nothing for `factor` but `startFactor`.
    struct MinimalMock: Calculator.ClientProtocol {
        func add(a: Int64, b: Int64, options: CallOptions) async throws -> Int64 { a + b }
        func divide(a: Double, b: Double, options: CallOptions) async throws -> Double { a / b }
        func log(line: String, options: CallOptions) async throws {}
        func centroid(points: [Point], options: CallOptions) async throws -> Point { Point(x: 0, y: 0, meta: [:]) }
        func count(to: Int64, options: CallOptions) async throws -> ResponseStream<Int64> { ResponseStream(1...to) }
        func runningTotal(options: CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64> {
            ZeroRPC.Generator(method: "calc.running_total") { _ in }
        }
        func startFactor(n: Int64, options: CallOptions) async throws -> Deferred<[Int64]> {
            Deferred(result: n == 12 ? [2, 2, 3] : [n])
        }
    }

    @Test func thePlainCallOfADeferredMethodAwaitsStartX() async throws {
        let calculator: any Calculator.ClientProtocol = MinimalMock()
        #expect(try await calculator.factor(n: 12) == [2, 2, 3])
        #expect(try await calculator.factor(n: 7, options: CallOptions(timeout: .seconds(1))) == [7])
    }

    @Test func resumeXOfAMockKnowsNoToken() async throws {
        let token = DeferredToken(issuer: try #require(DeferredServerID("mock")))
        let resumed = MinimalMock().resumeFactor(token: token)
        await #expect(throws: RPCError.deferredNotFound(token)) { try await resumed.value }
    }
}
