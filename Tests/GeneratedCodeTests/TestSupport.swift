import ZeroRPC

/// Collects values recorded from handler tasks.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = LockedValue<[Value]>([])

    func record(_ value: Value) {
        storage.withLock { $0.append(value) }
    }

    var values: [Value] { storage.withLock { $0 } }
}

/// Polls `condition` until it holds, failing after 20 seconds (sanitizer builds on a
/// loaded 2-core machine are slow; a passing run returns as soon as it holds).
func waitUntil(_ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(20)
    while !condition() {
        guard clock.now < deadline else {
            throw TimeoutError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct TimeoutError: Error {}

/// A one-shot event tests await instead of sleeping: `open()` releases every waiter,
/// present and future.
final class TestGate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = LockedValue(State())

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var isOpen: Bool { state.withLock { $0.isOpen } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
