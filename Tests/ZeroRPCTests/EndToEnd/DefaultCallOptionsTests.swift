// ClientOptions.defaultCallOptions: what each call leaves at the built-in default comes
// from the client's defaults; what it sets itself wins.
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

@Suite struct DefaultCallOptionsTests {
    @Test func aCallsOwnSettingsWinAndTheRestComeFromTheDefaults() {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        let defaults = CallOptions(timeout: .seconds(2), deadline: deadline, deferAfter: .milliseconds(50))
        let merged = CallOptions.defaults.merged(over: defaults)
        #expect(merged.timeout == .seconds(2))
        #expect(merged.deadline == deadline)
        #expect(merged.deferAfter == .milliseconds(50))
        let own = CallOptions(timeout: .seconds(7), deferAfter: .seconds(1), idempotencyKey: "k")
            .merged(over: defaults)
        #expect(own.timeout == .seconds(7))
        #expect(own.deferAfter == .seconds(1))
        #expect(own.idempotencyKey == "k")
        // The idempotency key is never a default: it would make every call the same one.
        #expect(CallOptions.defaults.merged(over: CallOptions(idempotencyKey: "k")).idempotencyKey == nil)
    }

    @Test func theClientsDefaultTimeoutEndsACallNobodyAnswers() async throws {
        // A DEALER connected where nobody listens: the call waits until its timeout.
        let client = try Client(
            connect: ["tcp://127.0.0.1:9"],
            options: ClientOptions(
                lingerOnClose: .zero, defaultCallOptions: CallOptions(timeout: .milliseconds(200))))
        let start = ContinuousClock.now
        await #expect {
            _ = try await client.call("add", [1, 2])
        } throws: { error in
            // Nothing connects, so the call is never sent: it fails as not connected once
            // the default timeout (shorter than the connect timeout) has passed.
            guard case RPCError.notConnected(_, _, let after) = error else { return false }
            return after >= .milliseconds(200)
        }
        // Under the built-in 30 s the call would otherwise have waited (unsanitized; the
        // bound is the 200 ms default either way).
        #expect(ContinuousClock.now - start < TestTiming.boundedWait)
        await client.close()
    }

    @Test func theClientsDefaultBudgetReachesTheServer() async throws {
        let register: (Server) throws -> Void = { server in
            try server.register(name: "deferrable") { _, context in .bool(context.acceptsDeferral) }
        }
        let plain = try ServerFixture(register: register)
        #expect(try await plain.client.call("deferrable", []) == .bool(false))
        await plain.close()

        let budgeted = try ServerFixture(
            clientOptions: ClientOptions(
                heartbeatInterval: TestTiming.heartbeat, defaultCallOptions: CallOptions(deferAfter: .seconds(30))),
            register: register)
        #expect(try await budgeted.client.call("deferrable", []) == .bool(true))
        await budgeted.close()
    }
}
