import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A server with an explicit result store and the gates its handlers wait on, and a
/// client connected to it. Handlers:
/// - `quick(x)` returns x at once;
/// - `hold(x)` opens `started`, reports progress 0.4 "step 2/5", opens `progressed`,
///   waits for `release` and returns x — or, when cancelled, opens `cancelled` and throws;
/// - `hold_fail()` waits for `release` and throws `DivisionByZero(dividend: 7)`.
struct DeferredCallFixture {
    let server: Server
    let client: Client
    let store: any ResultStore
    let endpoint: String
    let started = TestGate()
    let progressed = TestGate()
    let release = TestGate()
    let cancelled = TestGate()

    init(
        _ transport: TestTransport = .inproc, store: any ResultStore = MemoryResultStore(),
        serverID: DeferredServerID? = nil, timeToLive: Duration = .seconds(600)
    ) throws {
        self.store = store
        server = Server(
            name: "deferred-test",
            options: ServerOptions(
                heartbeatInterval: TestTiming.heartbeat,
                deferred: .init(store: store, serverID: serverID, timeToLive: timeToLive)))
        let (started, progressed, release, cancelled) = (started, progressed, release, cancelled)
        try server.register(name: "quick") { arguments, _ in arguments.first ?? .nil }
        try server.register(name: "hold") { arguments, context in
            started.open()
            await context.progress(0.4, "step 2/5")
            progressed.open()
            await withTaskCancellationHandler {
                await release.wait()
            } onCancel: {
                cancelled.open()
                release.open()
            }
            try Task.checkCancellation()
            return arguments.first ?? .nil
        }
        try server.register(name: "hold_fail") { _, _ in
            await release.wait()
            throw DivisionByZero(dividend: 7)
        }
        endpoint = try server.bind(transport.bindEndpoint())
        client = try Client(connect: [endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
    }

    /// Another client on the same server, as another process would have.
    func secondClient() throws -> Client {
        try Client(connect: [endpoint], options: .init(heartbeatInterval: TestTiming.heartbeat))
    }

    /// `hold(x)` started with a budget of zero: deferred at once.
    func startHold(_ x: Int64 = 42) async throws -> Deferred<Int64> {
        try await client.startDeferred(
            "hold", options: CallOptions(timeout: .seconds(30), deferAfter: .zero), declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(x)
            },
            result: { try $0.read(Int64.self) })
    }

    func close() async {
        release.open()
        await client.close()
        await server.close()
    }
}

/// Options with a responsiveness budget.
extension CallOptions {
    static func deferring(after budget: Duration, timeout: Duration = .seconds(30)) -> CallOptions {
        CallOptions(timeout: timeout, deferAfter: budget)
    }
}

/// The token of a handle that must have been deferred.
func deferredToken<T>(
    _ handle: Deferred<T>, sourceLocation: SourceLocation = #_sourceLocation
) throws
    -> DeferredToken
{
    try #require(handle.token, "the call was answered within its budget", sourceLocation: sourceLocation)
}

/// Waits (long poll on the store, no sleeping) until the entry has an outcome.
func finishedOutcome(_ token: DeferredToken, in store: any ResultStore) async throws -> DeferredOutcome? {
    let deadline = ContinuousClock.now.advanced(by: .seconds(20))
    while ContinuousClock.now < deadline {
        if case .finished(let outcome) = try await store.wait(for: token, upTo: .seconds(5)) { return outcome }
    }
    return nil
}
