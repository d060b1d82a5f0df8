import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Client and server interceptors: header fields added by the client reach the server's
/// context, a server interceptor can refuse a call, both see every call in order.
@Suite struct InterceptorTests {
    struct AddHeader: ClientInterceptor {
        let key: String
        let value: MessagePackValue
        let seen: TestRecorder<String>

        func intercept(
            _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
        ) async throws -> ClientReply {
            var request = request
            request.header[key] = value
            let reply = try await next(request)
            seen.record("\(key):\(request.method):\(reply.event)")
            return reply
        }
    }

    struct Unauthorized: Error, CustomStringConvertible {
        var description: String { "no valid token" }
    }

    struct RequireToken: ServerInterceptor {
        let token: MessagePackValue
        let seen: TestRecorder<String>

        func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
            seen.record("check:\(context.method)")
            guard context.header["auth"] == token else { throw Unauthorized() }
            try await next(context)
            seen.record("done:\(context.method)")
        }
    }

    struct SkipsNext: ClientInterceptor {
        func intercept(
            _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
        ) async throws -> ClientReply {
            ClientReply(event: "OK")
        }
    }

    @Test func headerFieldsFromClientInterceptorsReachTheServerInterceptorAndHandler() async throws {
        let clientSeen = TestRecorder<String>()
        let serverSeen = TestRecorder<String>()
        let traces = TestRecorder<MessagePackValue>()
        let fixture = try ServerFixture(
            serverOptions: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat, interceptors: [RequireToken(token: "s3cret", seen: serverSeen)]
            ),
            clientOptions: ClientOptions(
                heartbeatInterval: TestTiming.heartbeat,
                interceptors: [
                    AddHeader(key: "auth", value: "s3cret", seen: clientSeen),
                    AddHeader(key: "trace", value: "t-1", seen: clientSeen),
                ])
        ) { server in
            try server.register(name: "echo_trace") { _, context in
                traces.record(context.header["trace"] ?? .nil)
                return .int(7)
            }
        }
        defer { Task { await fixture.close() } }

        #expect(try await fixture.client.call("echo_trace", []) == 7)
        #expect(traces.recorded == ["t-1"])
        #expect(serverSeen.recorded == ["check:echo_trace", "done:echo_trace"])
        // The inner interceptor finishes first.
        #expect(clientSeen.recorded == ["trace:echo_trace:OK", "auth:echo_trace:OK"])
        // Introspection is not intercepted.
        #expect(try await fixture.client.call("_zerorpc_name", []) == "test-server")
        #expect(serverSeen.recorded.count == 2)
    }

    @Test func aServerInterceptorRefusesACallWithoutTheToken() async throws {
        let serverSeen = TestRecorder<String>()
        let ran = TestCounter()
        let fixture = try ServerFixture(
            serverOptions: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat, exposeErrorDetails: true,
                interceptors: [RequireToken(token: "s3cret", seen: serverSeen)])
        ) { server in
            try server.register(name: "guarded") { _, _ in
                ran.increment()
                return .nil
            }
        }
        defer { Task { await fixture.close() } }
        do {
            _ = try await fixture.client.call("guarded", [])
            Issue.record("the call went through without a token")
        } catch let error as RemoteError {
            #expect(error.name == "Unauthorized")
            #expect(error.message == "no valid token")
        }
        #expect(ran.value == 0)
    }

    @Test func reservedHeaderKeysAndSkippedNextAreClearErrors() async throws {
        let fixture = try ServerFixture(
            clientOptions: ClientOptions(
                heartbeatInterval: TestTiming.heartbeat,
                interceptors: [AddHeader(key: "message_id", value: "x", seen: TestRecorder())])
        ) { try $0.register(Calculator()) }
        defer { Task { await fixture.close() } }
        await #expect(throws: RPCError.self) { _ = try await fixture.client.add(1, 2) }

        let skipping = try Client(connect: [fixture.endpoint], options: ClientOptions(interceptors: [SkipsNext()]))
        defer { Task { await skipping.close() } }
        await #expect(throws: RPCError.self) { _ = try await skipping.add(1, 2) }
    }
}

@Suite struct OnewayInterceptorTests {
    @Test func flaggedOnewayCallsCarryInterceptorHeaders() async throws {
        let headers = TestRecorder<MessagePackValue>()
        let ran = TestCounter()
        let seen = TestRecorder<String>()
        let fixture = try ServerFixture(
            clientOptions: ClientOptions(
                heartbeatInterval: TestTiming.heartbeat,
                interceptors: [InterceptorTests.AddHeader(key: "trace", value: "t-9", seen: seen)])
        ) { server in
            try server.register(OnewayProbe(headers: headers, ran: ran))
        }
        defer { Task { await fixture.close() } }
        for expected in 1...2 {
            try await fixture.client.oneway("probe", options: .defaults) { $0.writeArrayHeader(0) }
            await ran.wait(untilAtLeast: expected)
        }
        #expect(headers.recorded.map { $0["trace"] } == ["t-9", "t-9"])
        #expect(headers.recorded.map { $0["oneway"] } == [nil, .bool(true)])
        #expect(seen.recorded == ["trace:probe:OK", "trace:probe:sent"])
    }
}

@Suite struct StreamInterceptorTests {
    @Test func streamsPassThroughBothSidesInterceptors() async throws {
        let clientSeen = TestRecorder<String>()
        let serverSeen = TestRecorder<String>()
        let fixture = try ServerFixture(
            serverOptions: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat,
                interceptors: [InterceptorTests.RequireToken(token: "s3cret", seen: serverSeen)]),
            clientOptions: ClientOptions(
                heartbeatInterval: TestTiming.heartbeat,
                interceptors: [InterceptorTests.AddHeader(key: "auth", value: "s3cret", seen: clientSeen)])
        ) { try $0.register(CountingCalculator()) }
        defer { Task { await fixture.close() } }
        var items: [Int64] = []
        for try await n in try await StreamingCalculator.Client(fixture.client).count(to: 3) { items.append(n) }
        #expect(items == [1, 2, 3])
        #expect(clientSeen.recorded.count == 1)
        #expect(clientSeen.recorded.first?.hasPrefix("auth:calc.count:") == true)
        #expect(serverSeen.recorded == ["check:calc.count", "done:calc.count"])
    }
}
