import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Tasks that run on a client's or server's I/O thread (`Client.executor`, internal since
/// the opt-in mode was removed, and `HandlerExecution.inline`). Tests that check a task is resumed *on* the I/O thread set
/// a long task budget: a sanitizer build's job may exceed the default 2 ms, and a task
/// whose job was taken over finishes it on its old thread.
@Suite struct IOThreadExecutorTests {
    static let patientClient = {
        var options = ClientOptions(heartbeatInterval: TestTiming.heartbeat)
        options.ioThreadTaskBudget = .seconds(1)
        return options
    }()
    static let patientServer = ServerOptions(heartbeatInterval: TestTiming.heartbeat, ioThreadTaskBudget: .seconds(1))

    @Test func callsFromATaskOnTheClientsIOThreadWork() async throws {
        let fixture = try ServerFixture(.tcp, clientOptions: Self.patientClient) { try $0.register(Calculator()) }
        defer { Task { await fixture.close() } }
        let client = fixture.client
        let onIOThread = try await withTaskExecutorPreference(client.executor) { () async throws -> [Bool] in
            var onIOThread: [Bool] = []
            for index in 0..<200 {
                #expect(try await client.add(Int64(index), 1) == Int64(index) + 1)
                onIOThread.append(client.executor.isCurrent)
            }
            return onIOThread
        }
        #expect(onIOThread.allSatisfy { $0 }, "resumed elsewhere \(onIOThread.filter { !$0 }.count) times")
    }

    @Test func manyConcurrentCallsOnTheClientsIOThread() async throws {
        let fixture = try ServerFixture(.ipc) { try $0.register(Calculator()) }
        defer { Task { await fixture.close() } }
        let client = fixture.client
        let sums = try await withThrowingTaskGroup(of: Int64.self) { group in
            for lane in 0..<64 {
                group.addTask(executorPreference: client.executor) {
                    var total: Int64 = 0
                    for index in 0..<20 { total += try await client.add(Int64(lane), Int64(index)) }
                    return total
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(sums.sorted() == (0..<64).map { Int64($0) * 20 + 190 })
    }

    @Test func aTaskWaitingOnAClosedClientsThreadStillResumes() async throws {
        let gate = TestGate()
        let started = TestCounter()
        let fixture = try ServerFixture {
            try $0.register(name: "block") { _, _ in
                started.increment()
                await gate.wait()
                return .nil
            }
        }
        let client = fixture.client
        let outcome = Task(executorPreference: client.executor) { () -> String in
            do {
                _ = try await client.call("block", [])
                return "returned"
            } catch let error as RPCError {
                return "\(error)"
            } catch {
                return "other: \(error)"
            }
        }
        // The call is open once the server runs it; closing the client then fails it,
        // and the task, whose executor thread has stopped, resumes elsewhere.
        await started.wait(untilAtLeast: 1)
        await client.close()
        #expect(await outcome.value == "\(RPCError.closed)")
        gate.open()
        await fixture.server.close()
    }

    @Test func handlersOnTheServersIOThreadServeCallsAndErrors() async throws {
        let calculator = Calculator()
        calculator.logGate.open()
        let fixture = try ServerFixture(
            .tcp, serverOptions: Self.patientServer
        ) { try $0.register(calculator) }
        defer { Task { await fixture.close() } }
        let executor = fixture.server.executor  // not the server: a handler holding it is a cycle
        try fixture.server.register(name: "thread") { _, _ in
            .bool(executor.isCurrent)
        }
        #expect(try await fixture.client.call("thread", []) == true)
        for index in 0..<100 {
            #expect(try await fixture.client.add(Int64(index), 2) == Int64(index) + 2)
        }
        await #expect(throws: DivisionByZero.self) {
            _ = try await fixture.client.divide(1, 0, declaring: [DivisionByZero.self])
        }
        try await fixture.client.oneway("calc.log", options: .defaults) { writer in
            writer.writeArrayHeader(1)
            writer.write("on the I/O thread")
        }
        await calculator.logged.wait(untilAtLeast: 1)
    }

    /// Heartbeats are 5 s here (25 s sanitized): between the server's close and the client's, a loaded
    /// sanitizer run may take longer than two 1 s periods, and the client would rightly
    /// report the server lost instead of closed.
    @Test func closingAServerCancelsHandlersWaitingOnItsIOThread() async throws {
        let handler = SleepingHandler()
        let fixture = try ServerFixture(
            serverOptions: ServerOptions(heartbeatInterval: TestTiming.patient(.seconds(5)), handlerExecution: .inline),
            clientOptions: ClientOptions(heartbeatInterval: TestTiming.patient(.seconds(5)))
        ) { try handler.register(on: $0, as: "sleep") }
        let call = Task { try await fixture.client.call("sleep", []) }
        await handler.started.wait()
        await fixture.server.close()
        await handler.cancelled.wait()
        await fixture.client.close()
        await #expect(throws: RPCError.closed) { try await call.value }
    }
}
