import Testing
import ZeroRPC

@Suite struct IntrospectionTests {
    static func makeFixture() throws -> ServerFixture {
        try ServerFixture(name: "calculator") { server in
            try server.register(Calculator())
            try server.register(name: "dynamic", doc: "Anything goes.") { arguments, _ in .array(arguments) }
        }
    }

    @Test func pingNameAndList() async throws {
        let fixture = try Self.makeFixture()
        #expect(try await fixture.client.call("_zerorpc_ping", []) == ["pong", "calculator"])
        #expect(try await fixture.client.call("_zerorpc_name", []) == "calculator")
        #expect(
            try await fixture.client.call("_zerorpc_list", [])
                == ["calc.add", "calc.divide", "calc.log", "calc.method", "dynamic"])
        await fixture.close()
    }

    @Test func helpAndArguments() async throws {
        let fixture = try Self.makeFixture()
        #expect(try await fixture.client.call("_zerorpc_help", ["calc.add"]) == "Adds two integers.")
        #expect(try await fixture.client.call("_zerorpc_help", ["calc.divide"]) == nil)
        #expect(try await fixture.client.call("_zerorpc_args", ["calc.add"]) == [["a", "b"], nil, nil, [0]])
        #expect(try await fixture.client.call("_zerorpc_args", ["dynamic"]) == [[], "args", nil, nil])
        await #expect(throws: RemoteError(name: "NameError", message: "nope")) {
            try await fixture.client.call("_zerorpc_help", ["nope"])
        }
        await fixture.close()
    }

    @Test func inspectDescribesEveryMethodAndTheInterface() async throws {
        let fixture = try Self.makeFixture()
        let description = try await fixture.client.call("_zerorpc_inspect", [])
        #expect(description["name"] == "calculator")
        let add = description["methods"]?["calc.add"]
        #expect(add?["doc"] == "Adds two integers.")
        #expect(add?["args"] == [["name": "a"], ["name": "b", "default": 0]])
        #expect(description["methods"]?["calc.log"]?["doc"] == "Records a line.")
        #expect(description["methods"]?["_zerorpc_ping"] == nil)
        #expect(description["interfaces"] == [.string(Calculator.interfaceDefinition)])
        await fixture.close()
    }

    @Test func clientInspectReturnsTheDescriptionTyped() async throws {
        let fixture = try Self.makeFixture()
        let description = try await fixture.client.inspect()
        #expect(description.name == "calculator")
        #expect(description.methods.map(\.name) == ["calc.add", "calc.divide", "calc.log", "calc.method", "dynamic"])
        #expect(
            description.method(named: "calc.add")
                == MethodDescription(
                    name: "calc.add", parameters: [.init(name: "a"), .init(name: "b", default: 0)],
                    doc: "Adds two integers."))
        #expect(description.method(named: "dynamic")?.doc == "Anything goes.")
        #expect(description.method(named: "_zerorpc_ping") == nil)
        #expect(description.interfaces == [Calculator.interfaceDefinition])
        await fixture.close()
    }
}
