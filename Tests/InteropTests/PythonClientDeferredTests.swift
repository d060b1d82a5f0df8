import Foundation
import Testing
import ZeroRPC

/// `deferred_checks.py` against a Swift server: a stock Python client's slow call gets a
/// plain OK (it never sends the budget), and a bare DEALER that does send one gets
/// `DEFERRED [token]` and the result through `_zpc_result`.
@Suite("stock Python client -> Swift server, deferred", .timeLimit(.minutes(2)))
struct PythonClientDeferredTests {
    static let checks = ["stock_client_slow_call_plain_ok", "raw_budget_deferred_then_result"]

    @Test func slowCallsStayPlainForStockClients() async throws {
        let store = MemoryResultStore()
        let server = Server(
            name: InteropFixture.serverName,
            options: ServerOptions(heartbeatInterval: InteropFixture.heartbeat, deferred: .init(store: store)))
        try InteropService.register(on: server)
        let endpoint = try bindToFreePort(server)
        try await expectChecksPass(script: "deferred_checks.py", against: endpoint, checks: Self.checks)
        #expect(store.entryCount == 0)  // the raw peer acknowledged its one deferred result
        await server.close()
    }
}
