/// Where the reply of a call led by its own caller lands (`ClientLoop.lead`).
///
/// The caller waits for its reply on its own thread, polling the socket itself; when it
/// gives up (past ``ClientOptions/callerReplyWait``) it parks a continuation here for the
/// I/O thread to resume. Exactly one party resumes it: both sides touch the slot only
/// while they hold the loop's `TurnLock`, so an outcome and a continuation never miss
/// each other.
final class ReplySlot: @unchecked Sendable {
    // @unchecked: every access is made under the client loop's `TurnLock`.
    private var outcome: Result<EventEnvelope, any Error>?
    private var continuation: UnsafeContinuation<EventEnvelope, any Error>?

    /// Whether the outcome came (and was not taken yet).
    var hasOutcome: Bool { outcome != nil }

    /// Caller, under `TurnLock`: moves the outcome out, without a copy of the envelope
    /// (a copy goes through value witnesses: `Result` is generic).
    func takeOutcome() -> Result<EventEnvelope, any Error>? {
        outcome.take()
    }

    /// Loop, under `TurnLock`: ends the call. Resumes the parked caller, or keeps the
    /// outcome for the caller that is still waiting on its thread.
    func complete(_ result: Result<EventEnvelope, any Error>) {
        if let continuation {
            self.continuation = nil
            continuation.resume(with: result)
        } else if outcome == nil {
            outcome = result
        }
    }

    /// Caller, under `TurnLock`: the outcome if it came already; else the continuation is
    /// kept for `complete`, and nil returned.
    func park(_ continuation: UnsafeContinuation<EventEnvelope, any Error>) -> Result<EventEnvelope, any Error>? {
        if let outcome { return outcome }
        self.continuation = continuation
        return nil
    }
}
