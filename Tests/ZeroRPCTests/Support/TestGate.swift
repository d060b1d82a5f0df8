import ZeroRPC

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

/// Counts events and lets a test await a count.
final class TestCounter: Sendable {
    private struct State {
        var count = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = LockedValue(State())

    var value: Int { state.withLock { $0.count } }

    func increment() {
        let ready = state.withLock { state in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.target <= count }
            state.waiters.removeAll { $0.target <= count }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    func wait(untilAtLeast target: Int) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.count >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Collects values from handlers for a test to inspect.
final class TestRecorder<Value: Sendable>: Sendable {
    private let values = LockedValue<[Value]>([])

    func record(_ value: Value) { values.withLock { $0.append(value) } }

    var recorded: [Value] { values.withLock { $0 } }
}
