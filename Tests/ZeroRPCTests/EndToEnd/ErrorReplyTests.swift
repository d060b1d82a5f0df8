import Testing
import ZeroRPC
import ZeroRPCTestSupport

@Suite struct ErrorReplyTests {
    struct InventoryEmpty: Error, CustomStringConvertible {
        var description: String { "no widgets left" }
    }

    static func register(_ server: Server) throws {
        try server.register(Calculator())
        try server.register(name: "fail") { _, _ in throw InventoryEmpty() }
    }

    @Test func handlerErrorCarriesTheSwiftTypeNameAndDescription() async throws {
        let fixture = try ServerFixture(register: Self.register)
        await #expect(throws: RemoteError(name: "InventoryEmpty", message: "no widgets left")) {
            try await fixture.client.call("fail", [])
        }
        await fixture.close()
    }

    @Test func hiddenDetailsBecomeInternalError() async throws {
        var options = ServerOptions(heartbeatInterval: TestTiming.heartbeat)
        options.exposeErrorDetails = false
        let fixture = try ServerFixture(serverOptions: options, register: Self.register)
        let error = await #expect(throws: RemoteError.self) { try await fixture.client.call("fail", []) }
        #expect(error?.name == "InternalError")
        #expect(error?.message.contains("widgets") == false)
        await fixture.close()
    }

    @Test func unknownMethodIsNameError() async throws {
        let fixture = try ServerFixture(register: Self.register)
        await #expect(throws: RemoteError(name: "NameError", message: "calc.nope")) {
            try await fixture.client.call("calc.nope", [])
        }
        await fixture.close()
    }

    @Test func wrongArgumentTypeIsTypeErrorNamingTheArgument() async throws {
        let fixture = try ServerFixture(register: Self.register)
        let error = await #expect(throws: RemoteError.self) { try await fixture.client.call("calc.add", [1, "two"]) }
        #expect(error?.name == "TypeError")
        #expect(error?.message == "calc.add(): argument 'b': expected int, got str")
        await fixture.close()
    }

    @Test func wrongArgumentCountIsTypeError() async throws {
        let fixture = try ServerFixture(register: Self.register)
        let tooMany = await #expect(throws: RemoteError.self) { try await fixture.client.call("calc.add", [1, 2, 3]) }
        #expect(tooMany?.name == "TypeError")
        #expect(tooMany?.message == "calc.add() takes 2 argument(s) but 3 were given")
        let missing = await #expect(throws: RemoteError.self) { try await fixture.client.call("calc.add", []) }
        #expect(missing?.message == "calc.add(): missing argument 'a' (position 1)")
        await fixture.close()
    }

    @Test func resultOfTheWrongTypeIsInvalidResult() async throws {
        let fixture = try ServerFixture { try $0.register(name: "calc.add") { _, _ in "not a number" } }
        let error = await #expect(throws: RPCError.self) { try await fixture.client.add(1, 2) }
        guard case .invalidResult(let method, let reason)? = error else {
            Issue.record("expected invalidResult, got \(String(describing: error))")
            return
        }
        #expect(method == "calc.add")
        #expect(reason.contains("expected int"))
        await fixture.close()
    }
}
