import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A stream closed from an executable's top-level code reaches the server at once, by
/// the scoped form or `close()` (issue 17, defect 3): breaking out of `for try await` in
/// `main.swift` used to send no `_zpc_close`, and the handler stayed parked until the
/// process exited.
@Suite struct StreamCloseTests {
    @Test(arguments: ["scoped", "close"])
    func aStreamClosedInTopLevelCodeCancelsItsHandlerWhileTheProcessRuns(_ mode: String) async throws {
        let cancelled = TestGate()
        let server = Server(options: .init(heartbeatInterval: TestTiming.heartbeat))
        try server.register(
            ForeverService(forever: { stream in
                var n: Int64 = 0
                do {
                    while true {
                        n += 1
                        try await stream.write(n)
                    }
                } catch {
                    cancelled.open()
                    throw error
                }
            }))
        let endpoint = try server.bind(TestTransport.tcp.bindEndpoint())
        let child = try ChildProcess(
            executable: "zerorpc-stream-close-check", arguments: ["--endpoint", endpoint, "--mode", mode])
        defer { child.closeInput() }
        #expect(try await child.line(startingWith: "DONE") == "DONE")
        #expect(await opens(cancelled, within: .seconds(20)), "the handler was not cancelled while the client ran")
        #expect(child.isRunning)
        await server.close()
    }
}

/// One stream method, `forever`, that writes 1, 2, 3, … until cancelled.
struct ForeverService: RegistrableService {
    static let namespace: String? = nil
    static let interfaceDefinition = "service Forever { forever() -> stream int }"
    let forever: @Sendable (StreamWriter<Int64>) async throws -> Void

    var methods: [ServiceMethod] {
        let body = forever
        return [
            .stream("forever", parameters: [], doc: nil, element: Int64.self) { _, stream, _ in try await body(stream) }
        ]
    }
}
