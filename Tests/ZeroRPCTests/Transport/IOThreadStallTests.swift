import Foundation
import Logging
import Testing
import ZeroRPC

/// Work that holds an I/O thread (a blocking handler run with `HandlerExecution.ioThread`,
/// a blocking task on `Client.executor`) delays every socket and heartbeat of that
/// thread. It cannot be stopped, but it must not go unnoticed: the loop logs a warning
/// naming the setting to change. Heartbeats here are 3 s, so the threshold is 300 ms: far
/// above any preemption of a loaded sanitizer run, far below the 900 ms the tests block.
@Suite struct IOThreadStallTests {
    private static let heartbeat: Duration = .seconds(3)

    @Test func aBlockingHandlerOnTheServersIOThreadIsReported() async throws {
        let log = LogRecorder()
        let fixture = try ServerFixture(
            serverOptions: .init(heartbeatInterval: Self.heartbeat, handlerExecution: .ioThread, logger: log.logger),
            clientOptions: .init(heartbeatInterval: Self.heartbeat)
        ) { server in
            try server.register(name: "fast") { _, _ in .int(1) }
            try server.register(name: "blocking") { _, _ in
                usleep(900_000)  // what a handler must not do on the I/O thread
                return .int(2)
            }
        }
        for _ in 0..<20 { _ = try await fixture.client.call("fast", []) }
        #expect(log.messages(atLeast: .warning).isEmpty)

        #expect(try await fixture.client.call("blocking", []) == 2)
        await fixture.close()
        let warnings = log.messages(atLeast: .warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("held it for") == true)
        #expect(warnings.first?.contains("HandlerExecution.ioThread") == true)
    }

    @Test func aBlockingTaskOnTheClientsExecutorIsReported() async throws {
        let log = LogRecorder()
        let fixture = try ServerFixture(
            serverOptions: .init(heartbeatInterval: Self.heartbeat),
            clientOptions: .init(heartbeatInterval: Self.heartbeat, logger: log.logger)
        ) { server in
            try server.register(name: "fast") { _, _ in .int(1) }
        }
        let client = fixture.client
        try await withTaskExecutorPreference(client.executor) {
            for _ in 0..<20 { _ = try await client.call("fast", []) }
            #expect(log.messages(atLeast: .warning).isEmpty)
            usleep(900_000)  // blocks the client's I/O thread: this task runs on it
            _ = try await client.call("fast", [])
        }
        await fixture.close()
        let warnings = log.messages(atLeast: .warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("Client.executor") == true)
    }
}
