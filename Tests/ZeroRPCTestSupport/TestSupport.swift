import ZeroRPC

// Helpers the runtime tests and the generated-code tests share (one copy, in a target
// of its own that only test targets depend on).

/// A one-shot event tests await instead of sleeping: `open()` releases every waiter,
/// present and future.
public final class TestGate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = LockedValue(State())

    public init() {}

    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    public var isOpen: Bool { state.withLock { $0.isOpen } }

    public func wait() async {
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
public final class TestCounter: Sendable {
    private struct State {
        var count = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = LockedValue(State())

    public init() {}

    public var value: Int { state.withLock { $0.count } }

    public func increment() {
        let ready = state.withLock { state in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.target <= count }
            state.waiters.removeAll { $0.target <= count }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    public func wait(untilAtLeast target: Int) async {
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
public final class TestRecorder<Value: Sendable>: Sendable {
    private let values = LockedValue<[Value]>([])

    public init() {}

    public func record(_ value: Value) { values.withLock { $0.append(value) } }

    public var recorded: [Value] { values.withLock { $0 } }
}

/// Polls `condition` until it holds, failing after 20 seconds, 100 in sanitized runs
/// (`TestTiming`; sanitizer builds on a loaded 2-core machine are slow; a passing run
/// returns as soon as it holds). For conditions no event announces; prefer `TestGate` or
/// `TestCounter` where one does.
public func waitUntil(_ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + TestTiming.patient(.seconds(20))
    while !condition() {
        guard clock.now < deadline else {
            throw TimeoutError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// `waitUntil`'s condition never held.
public struct TimeoutError: Error {}
