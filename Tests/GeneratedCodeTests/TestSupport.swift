import ZeroRPC

/// Collects values recorded from handler tasks.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = LockedValue<[Value]>([])

    func record(_ value: Value) {
        storage.withLock { $0.append(value) }
    }

    var values: [Value] { storage.withLock { $0 } }
}

/// Polls `condition` until it holds, failing after two seconds.
func waitUntil(_ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + .seconds(2)
    while !condition() {
        guard clock.now < deadline else {
            throw TimeoutError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct TimeoutError: Error {}
