/// Awaits `gate` but gives up after `limit`, so a broken runtime fails the test instead
import ZeroRPCTestSupport

/// of hanging the suite. Returns whether the gate opened.
func opens(_ gate: TestGate, within limit: Duration = .seconds(30)) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await gate.wait()
            return true
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        gate.open()  // releases the waiter child if the time limit won
        return first
    }
}
