// The one shape every "take it now or park until someone hands it over" wait in the
// stream handlers shares: decide under the lock, resume at once or leave the
// continuation for the other side, and end the wait when the task is cancelled.

/// What a waiting task decided under the lock.
enum WaitDecision<Ready: Sendable>: Sendable {
    /// Go on at once with this value.
    case ready(Ready)
    /// The continuation is stored in the state; whoever changes the state resumes it.
    case parked
    /// The wait is over before it began: throw `CancellationError`.
    case cancelled
}

extension LockedValue where Value: ~Copyable {
    /// Suspends the calling task unless `decide`, run under the lock with the task's
    /// continuation, says it can go on; `onCancel` runs when the task is cancelled and
    /// must resume a parked continuation (with `CancellationError`).
    func waitUnlessReady<Ready: Sendable>(
        of _: Ready.Type = Ready.self, onCancel: @Sendable () -> Void,
        _ decide: (inout Value, CheckedContinuation<Ready, any Error>) -> WaitDecision<Ready>
    ) async throws -> Ready {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Ready, any Error>) in
                switch withLock({ decide(&$0, continuation) }) {
                case .ready(let value): continuation.resume(returning: value)
                case .parked: break
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            onCancel()
        }
    }
}
