import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/naming.rpc`: Swift keywords, camelCased names and names the generated code
/// uses for itself, all compiled and called.
struct NamingImplementation: Naming.Service {
    let inits = TestRecorder<Int64>()

    func getUser(
        `class`: String, writer: Int64, reader: String, arguments: Int64, context: ServerContext
    ) async throws -> Reserved {
        Reserved(
            reader: reader, writer: "\(writer)", class: arguments,
            selfLink: Reserved(reader: `class`, writer: "", class: 0))
    }

    func `default`(value: Keyword, context: ServerContext) async throws -> Keyword { value }
    func `return`(value: Either, context: ServerContext) async throws -> Either { value }

    func `init`(value: Int64, context: ServerContext) async throws {
        inits.record(value)
    }

    func makeHTTPRequest(urlPath: String, retryCount: Int64, context: ServerContext) async throws -> String {
        "\(urlPath) x\(retryCount)"
    }
}

@Suite struct NamingTests {
    @Test func keywordAndLocalNamesWorkEndToEnd() async throws {
        let implementation = NamingImplementation()
        try await GeneratedServiceFixture.with(implementation, over: .inproc) { connection in
            let client = Naming.Client(connection)
            let user = try await client.getUser(class: "c", writer: 1, reader: "r", arguments: 2)
            let keyword = try await client.default(value: .selfCheck)
            let either = try await client.return(value: .class("x"))
            try await client.`init`(value: 7)
            let request = try await client.makeHTTPRequest(urlPath: "/a")
            #expect(
                user
                    == Reserved(
                        reader: "r", writer: "1", class: 2, selfLink: Reserved(reader: "c", writer: "", class: 0)))
            #expect(keyword == .selfCheck)
            #expect(either == .class("x"))
            #expect(request == "/a x2")
            try await waitUntil { implementation.inits.recorded == [7] }
        }
    }

    @Test func wireNamesStayAsWritten() async throws {
        try await GeneratedServiceFixture.with(NamingImplementation(), over: .inproc) { connection in
            let request = try await connection.call("naming.make_HTTP_request", [.string("/b"), .int(5)])
            let keyword = try await connection.call("naming.default", [.string("self_check")])
            #expect(request == .string("/b x5"))
            #expect(keyword == .string("self_check"))
        }
        #expect(
            NamingImplementation().methods.map(\.name) == [
                "get_user", "default", "return", "init", "make_HTTP_request",
            ])
    }

    @Test func fieldNamesOnTheWireStayAsWritten() throws {
        let value = try decodedValue(Reserved(reader: "r", writer: "w", class: 1))
        #expect(
            value.mapValue?.map(\.key)
                == ["reader", "writer", "class", "is_valid", "self_link"].map(MessagePackValue.string))
    }
}
