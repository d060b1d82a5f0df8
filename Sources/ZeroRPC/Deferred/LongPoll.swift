/// Runs `waitUntilFinished` against a timer of `timeout`.
///
/// `waitUntilFinished` must return (with the entry's current state) once its task is
/// cancelled; the timer cancels it when time runs out, and cancelling the caller cancels
/// both. Returns nil only if neither produced a value.
package func raceAgainstTimeout(
    _ timeout: Duration,
    _ waitUntilFinished: @escaping @Sendable () async throws -> DeferredLookup
) async throws -> DeferredLookup? {
    try await withThrowingTaskGroup(of: DeferredLookup?.self) { group in
        group.addTask { try await waitUntilFinished() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        var answer: DeferredLookup?
        while let next = try await group.next() {
            group.cancelAll()
            if let next { answer = next }
        }
        return answer
    }
}

/// ``ResultStore/wait(for:upTo:)`` for a store that reads with `lookup`: the current state
/// at once unless it is unfinished (and there is time and the task is not cancelled),
/// else `waitUntilFinished` raced against `timeout`, then a last read if neither answered.
package func longPoll(
    upTo timeout: Duration, lookup: @Sendable () async throws -> DeferredLookup,
    waitUntilFinished: @escaping @Sendable () async throws -> DeferredLookup
) async throws -> DeferredLookup {
    let current = try await lookup()
    guard case .unfinished = current, timeout > .zero, !Task.isCancelled else { return current }
    if let answer = try await raceAgainstTimeout(timeout, waitUntilFinished) { return answer }
    return try await lookup()
}
