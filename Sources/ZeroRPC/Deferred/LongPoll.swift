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
