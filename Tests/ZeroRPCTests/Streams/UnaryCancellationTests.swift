import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite("Streams: _zpc_close on unary calls", .timeLimit(.minutes(1)))
struct UnaryCancellationTests {
    /// Cancelling the calling task sends `_zpc_close` on that call's channel; the server
    /// cancels exactly that handler, and a sibling call on the same socket runs on.
    @Test(arguments: TestTransport.allCases)
    func cancelledCallCancelsExactlyItsHandler(_ transport: TestTransport) async throws {
        let entered = TestCounter()
        let cancelled = TestRecorder<String>()
        let cancelledGate = TestGate()
        let release = TestGate()
        let fixture = try ServerFixture(transport) { server in
            try server.register(name: "wait") { arguments, _ in
                let tag = arguments.first?.stringValue ?? ""
                entered.increment()
                await withTaskCancellationHandler {
                    await release.wait()
                } onCancel: {
                    cancelled.record(tag)
                    cancelledGate.open()
                }
                return .string(tag)
            }
        }
        let doomed = Task { try await fixture.client.call("wait", ["doomed"]) }
        let survivor = Task { try await fixture.client.call("wait", ["survivor"]) }
        await entered.wait(untilAtLeast: 2)
        doomed.cancel()
        await #expect(throws: CancellationError.self) { try await doomed.value }
        #expect(await opens(cancelledGate, within: .seconds(1)))
        #expect(cancelled.recorded == ["doomed"])
        release.open()
        #expect(try await survivor.value == "survivor")
        await fixture.close()
    }

    /// What goes on the wire: one `_zpc_close []` echoing the request's id.
    @Test func cancellationSendsOneCloseOnTheChannel() async throws {
        // A server that answers heartbeats: the client must not take it for lost while
        // this task waits for a CPU between the request and the cancel.
        let server = try RawPeer(.router, bind: "tcp://127.0.0.1:0", answersHeartbeats: true)
        let client = try Client(connect: [server.endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
        let call = Task { try await client.call("anything", []) }
        let request = await server.receiveReply()
        #expect(request?.name == "anything")
        call.cancel()
        await #expect(throws: CancellationError.self) { try await call.value }
        let close = await server.receiveReply()
        #expect(close?.name == "_zpc_close")
        #expect(close?.responseTo == request?.messageID)
        #expect(close?.arguments == [])
        #expect(await server.receiveReply(within: .milliseconds(300)) == nil, "more than one _zpc_close")
        await client.close()
    }
}
