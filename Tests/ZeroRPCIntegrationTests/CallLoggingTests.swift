// Per-call logging (swift-log): calls at .debug with their metadata, refusals at
// .notice, lifecycle at .info, and nothing per call above .debug.
import Logging
import Testing
import ZeroRPC

@Suite struct CallLoggingTests {
    /// Refuses every call to `obs.echo` before its handler runs.
    struct RefuseEcho: ServerInterceptor {
        struct Refused: Error {}
        func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
            if context.method == "obs.echo" { throw Refused() }
            try await next(context)
        }
    }

    @Test func atDebugTheServerLogsEveryCallWithItsMetadata() async throws {
        let log = CapturedLog(level: .debug)
        let pair = try ObservedPair(server: ServerOptions(logger: log.logger))
        #expect(try await pair.echo(3) == 3)
        await #expect(throws: RemoteError.self) { try await pair.client.call("obs.fail", []) }
        await pair.close()

        let calls = log.records(startingWith: "zerorpc server: call")
        #expect(calls.allSatisfy { $0.level == .debug })
        let echo = try #require(calls.first { $0.metadata["zerorpc.method"] == "obs.echo" })
        #expect(echo.metadata["zerorpc.outcome"] == "ok")
        #expect(echo.metadata["zerorpc.duration"] != nil)
        #expect(echo.metadata["zerorpc.peer"].map { "\($0)".isEmpty } == false)
        #expect(echo.metadata["zerorpc.message_id"].map { "\($0)".isEmpty } == false)
        let fail = try #require(calls.first { $0.metadata["zerorpc.method"] == "obs.fail" })
        #expect(fail.metadata["zerorpc.outcome"] == "error")
        #expect(fail.metadata["zerorpc.error"].map { "\($0)".contains("Failure") } == true)
        // A failing handler is not a refusal.
        #expect(log.records(startingWith: "zerorpc server: refused").isEmpty)
    }

    @Test func atDebugTheClientLogsEveryCall() async throws {
        let log = CapturedLog(level: .debug)
        let pair = try ObservedPair(client: ClientOptions(logger: log.logger))
        #expect(try await pair.echo(3) == 3)
        await #expect(throws: RemoteError.self) { try await pair.client.call("obs.fail", []) }
        await pair.close()

        let calls = log.records(startingWith: "zerorpc client: call")
        let echo = try #require(calls.first { $0.metadata["zerorpc.method"] == "obs.echo" })
        #expect(echo.level == .debug)
        #expect(echo.metadata["zerorpc.outcome"] == "ok")
        #expect(echo.metadata["zerorpc.reply"] == "OK")
        #expect(echo.metadata["zerorpc.duration"] != nil)
        let fail = try #require(calls.first { $0.metadata["zerorpc.method"] == "obs.fail" })
        #expect(fail.metadata["zerorpc.outcome"] == "error")
    }

    @Test func aRefusedCallIsLoggedAtNoticeEvenAtInfo() async throws {
        let log = CapturedLog(level: .info)
        let pair = try ObservedPair(server: ServerOptions(logger: log.logger, interceptors: [RefuseEcho()]))
        await #expect(throws: RemoteError.self) { try await pair.echo(1) }
        await #expect(throws: RemoteError.self) { try await pair.client.call("obs.fail", []) }
        await pair.close()

        let refused = log.records(startingWith: "zerorpc server: refused")
        #expect(refused.count == 1)
        #expect(refused.first?.level == .notice)
        #expect(refused.first?.metadata["zerorpc.method"] == "obs.echo")
        #expect(refused.first?.metadata["zerorpc.error"].map { "\($0)".contains("Refused") } == true)
        // Above .debug nothing is logged per call.
        #expect(log.all.allSatisfy { $0.level >= .info })
    }

    @Test func lifecycleEventsAreLoggedAtInfo() async throws {
        let log = CapturedLog(level: .info)
        let server = Server(name: "lifecycle", options: ServerOptions(logger: log.logger))
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        await server.shutdown(.graceful(timeout: .seconds(5)))
        let lines = log.all.filter { $0.level == .info }.map(\.message)
        #expect(
            lines == ["zerorpc server: listening", "zerorpc server: shutting down", "zerorpc server: closed"])
        #expect(log.all.first?.metadata["zerorpc.endpoint"] == "\(endpoint)")
        #expect(log.all.first?.metadata["zerorpc.server"] == "lifecycle")
    }
}
