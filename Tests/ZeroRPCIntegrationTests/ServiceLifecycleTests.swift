// ZeroRPCServiceLifecycle end to end: a ServiceGroup in a child process gets SIGTERM
// in the middle of a call, lets the call finish, and exits 0.
import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

@Suite struct ServiceLifecycleTests {
    @Test func sigtermMidCallLetsTheCallFinishAndExitsZero() async throws {
        let child = try ChildProcess(executable: "zerorpc-lifecycle-test-server")
        defer { child.kill() }
        let ready = try #require(try await child.line(startingWith: "READY "))
        let endpoint = String(ready.dropFirst("READY ".count))
        // The child's period (5 s: see its main.swift); the drain, not heartbeats, is tested.
        let client = try Client(connect: [endpoint], options: ClientOptions(heartbeatInterval: .seconds(5)))

        let call = Task { try await client.call("hold", [], options: CallOptions(timeout: .seconds(30))) }
        _ = try #require(try await child.line(startingWith: "HOLDING"))
        child.signal(SIGTERM)
        // The server logs the drain at .info, then refuses new calls (so load balancers
        // move away) while the held call goes on.
        _ = try #require(try await child.line(startingWith: "info zerorpc server: shutting down"))
        var refusal: RemoteError?
        for _ in 0..<1000 where refusal == nil {
            do {
                _ = try await client.call("echo", [1])
                try await Task.sleep(for: .milliseconds(2))
            } catch let error as RemoteError {
                refusal = error
            }
        }
        #expect(refusal?.name == "ServerShuttingDown")
        child.writeLine("release")

        #expect(try await call.value == .string("done"))
        _ = try #require(try await child.line(startingWith: "EXITED"))
        #expect(await child.exitStatus() == 0)
        await client.close()
    }
}
