import ZeroRPCTestSupport

/// Awaits `gate` but gives up after `limit`, so a broken runtime fails the test instead
/// of hanging the suite. Returns whether the gate opened.
func opens(_ gate: TestGate, within limit: Duration = .seconds(30)) async -> Bool {
    await completes(within: limit, { await gate.wait() }, release: { gate.open() })
}

extension TestCounter {
    /// Waits until the count reaches `target`, at most `limit`; whether it did.
    func reaches(_ target: Int, within limit: Duration = .seconds(30)) async -> Bool {
        await completes(within: limit, { await self.wait(untilAtLeast: target) }, release: { self.release(target) })
    }

    /// Counts up to `target`, so a waiter left behind by a time limit returns.
    private func release(_ target: Int) {
        for _ in value..<max(target, value) { increment() }
    }
}

/// Runs `wait` against a timer of `limit`: true when `wait` returned first. A wait that
/// cannot be cancelled is ended by `release`, called either way.
private func completes(
    within limit: Duration, _ wait: @escaping @Sendable () async -> Void, release: @escaping @Sendable () -> Void
) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await wait()
            return true
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        release()
        return first
    }
}
