import ZeroRPC

/// Runs an async operation once, on first use, and hands every caller its result:
/// lets parameterized tests share one expensive run (one check script, many checks).
final class OnceTask<Value: Sendable>: Sendable {
    private let operation: @Sendable () async throws -> Value
    private let task = LockedValue<Task<Value, any Error>?>(nil)

    init(_ operation: @escaping @Sendable () async throws -> Value) {
        self.operation = operation
    }

    var value: Value {
        get async throws {
            let task = task.withLock { task in
                if let task { return task }
                let started = Task { try await operation() }
                task = started
                return started
            }
            return try await task.value
        }
    }
}
