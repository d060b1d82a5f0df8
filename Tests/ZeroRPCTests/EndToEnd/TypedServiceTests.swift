import Testing
import ZeroRPC

@Suite struct TypedServiceTests {
    @Test func callsANamespacedMethodThroughTheTypedPath() async throws {
        let fixture = try ServerFixture(.tcp) { try $0.register(Calculator()) }
        #expect(try await fixture.client.add(2, 3) == 5)
        #expect(try await fixture.client.call("calc.add", [.int(-7)]) == -7)  // b defaults to 0
        #expect(try await fixture.client.call("calc.method", []) == "calc.method")
        await fixture.close()
    }

    @Test func registeringTheSameWireNameTwiceThrows() throws {
        let server = Server()
        try server.register(Calculator())
        #expect(throws: RPCError.duplicateMethod("calc.add")) { try server.register(Calculator()) }
        try server.register(name: "add") { _, _ in nil }
        #expect(throws: RPCError.duplicateMethod("add")) { try server.register(name: "add") { _, _ in nil } }
    }

    @Test func declaredErrorArrivesAsItsSwiftType() async throws {
        let fixture = try ServerFixture { try $0.register(Calculator()) }
        await #expect(throws: DivisionByZero(dividend: 7)) {
            try await fixture.client.divide(7, 0, declaring: [DivisionByZero.self])
        }
        #expect(try await fixture.client.divide(7, 2, declaring: [DivisionByZero.self]) == 3.5)
        await fixture.close()
    }

    @Test func undeclaredTypedErrorArrivesAsRemoteErrorWithItsWireName() async throws {
        let fixture = try ServerFixture { try $0.register(Calculator()) }
        await #expect(throws: RemoteError(name: "DivisionByZero", message: "division of 1.0 by zero")) {
            try await fixture.client.divide(1, 0, declaring: [])
        }
        await fixture.close()
    }

    @Test func onewayReturnsOnceAcceptedBeforeTheHandlerRuns() async throws {
        let calculator = Calculator()
        let fixture = try ServerFixture { try $0.register(calculator) }
        try await fixture.client.oneway("calc.log", options: .defaults) { writer in
            writer.writeArrayHeader(1)
            writer.write("first line")
        }
        // The handler is still parked on the gate, so the OK came before it ran.
        #expect(calculator.logged.value == 0)
        calculator.logGate.open()
        await calculator.logged.wait(untilAtLeast: 1)
        #expect(calculator.loggedLines.recorded == ["first line"])
        await fixture.close()
    }
}
