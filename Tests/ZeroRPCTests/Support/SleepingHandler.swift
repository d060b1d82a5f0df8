// A handler that only ends when it is cancelled, for tests of what cancels handlers.
import ZeroRPC
import ZeroRPCTestSupport

/// Opens `started` when the handler it registers runs (it then sleeps a minute) and
/// `cancelled` when that sleep is cancelled, so a test waits for the one, then the other.
struct SleepingHandler {
    let started = TestGate()
    let cancelled = TestGate()

    /// Registers the handler on `server` as `name`.
    func register(on server: Server, as name: String) throws {
        let (started, cancelled) = (started, cancelled)
        try server.register(name: name) { _, _ in
            started.open()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.open()
                throw error
            }
            return .nil
        }
    }
}
