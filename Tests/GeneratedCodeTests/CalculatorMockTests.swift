// A mock of the generated `Calculator.ClientProtocol` writes one method per @deferred
// method (`startFactor`); the protocol extension supplies `factor` and `resumeFactor`.
import Testing
import ZeroRPC

@Suite struct CalculatorMockTests {
    @Test func thePlainCallOfADeferredMethodAwaitsStartX() async throws {
        let calculator: any Calculator.ClientProtocol = CalculatorMock()
        #expect(try await calculator.factor(n: 12) == [2, 2, 3])
        #expect(try await calculator.factor(n: 7, options: CallOptions(timeout: .seconds(1))) == [7])
    }

    @Test func resumeXOfAMockKnowsNoToken() async throws {
        let token = DeferredToken(issuer: try #require(DeferredServerID("mock")))
        let resumed = CalculatorMock().resumeFactor(token: token)
        await #expect(throws: RPCError.deferredNotFound(token)) { try await resumed.value }
    }
}
