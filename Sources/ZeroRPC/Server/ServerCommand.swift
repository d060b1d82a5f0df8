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
    case waitUntilClosed(ServerWaiter)
    /// Answer new calls with `ERR ServerShuttingDown` from now on; keep serving the rest.
    /// `waiter` resumes once that is in force.
    case refuseNewCalls(ServerWaiter)
    /// Refuse new calls and stop once calls in flight are done or the drain's deadline
    /// passed; resume `waiter` when the thread has stopped.
    case drain(ServerLifecycle.Drain, ServerWaiter)
    /// Cancel handlers, close the socket, stop the thread; resume `waiter` when done.
    case close(ServerWaiter?)
}

/// A task waiting for the server's I/O thread (closed, refusing, drained), in a box: a
/// `CheckedContinuation` (a resilient type) inline gave `ServerCommand` a layout known
/// only at run time, so every command — a `.finished` per call — was copied and
/// destroyed through value witnesses (~150 instructions per call). Boxes are made only
/// for the rare shutdown commands.
final class ServerWaiter: Sendable {
    private let continuation: CheckedContinuation<Void, Never>

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func resume() {
        continuation.resume()
    }
}
