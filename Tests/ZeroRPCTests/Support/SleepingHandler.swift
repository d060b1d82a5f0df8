// A handler that only ends when it is cancelled, for tests of what cancels handlers.
import ZeroRPC
import ZeroRPCTestSupport

/// Counts the runs of the handler it registers (which sleep a minute) and the runs
/// that were cancelled, so a test waits for the start and then for the cancellation.
struct SleepingHandler {
    let started = TestCounter()
    let cancelled = TestCounter()

    /// Registers the handler on `server` as `name`.
    func register(on server: Server, as name: String) throws {
        let (started, cancelled) = (started, cancelled)
        try server.register(name: name) { _, _ in
            started.increment()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                cancelled.increment()
                throw error
            }
            return .nil
        }
    }
}
