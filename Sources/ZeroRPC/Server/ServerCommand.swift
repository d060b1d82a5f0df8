/// Work a task hands to a server's I/O thread.
enum ServerCommand: Sendable {
    /// Bind the ROUTER; answers with the endpoint actually bound.
    case bind(String, BlockingReply<String>)
    case connect(String, BlockingReply<Void>)
    /// Connect to a broker's backend, announcing this server there (`ZMQ_PROBE_ROUTER`).
    case connectToBroker(String, BlockingReply<Void>)
    /// A handler task ended; `reply` is the encoded reply event (ignored for one-way calls).
    case finished(callNumber: UInt64, reply: [UInt8])
    /// A stream handler wrote events (see `StreamOutbox`).
    case flushStream(callNumber: UInt64)
    /// Resume `waiter` when the server closes (`run()`).
    case waitUntilClosed(CheckedContinuation<Void, Never>)
    /// Answer new calls with `ERR ServerShuttingDown` from now on; keep serving the rest.
    /// `waiter` resumes once that is in force.
    case refuseNewCalls(CheckedContinuation<Void, Never>)
    /// Refuse new calls and stop once calls in flight are done or `deadline` passed;
    /// resume `waiter` when the thread has stopped.
    case drain(deadline: ContinuousClock.Instant, waitsForClaims: Bool, CheckedContinuation<Void, Never>)
    /// Cancel handlers, close the socket, stop the thread; resume `waiter` when done.
    case close(CheckedContinuation<Void, Never>?)
}
