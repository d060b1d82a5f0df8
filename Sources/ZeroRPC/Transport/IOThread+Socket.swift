// The start-up every socket-owning I/O thread shares: create and configure the socket
// on the thread that will own it, report the outcome to the caller, then run the loop.

extension IOThread {
    /// Starts an I/O thread that makes its socket with `makeSocket` and then runs
    /// `runLoop` with it; returns once the socket exists.
    ///
    /// When the socket cannot be made, the thread stops at once: `queue` is closed, the
    /// jobs already queued go back to `executor`'s fallback, the waiters of `close`
    /// commands queued meanwhile are resumed (`resumeCloseWaiter`), and this throws
    /// `RPCError.protocolViolation` with ZeroMQ's reason.
    static func start<Command: Sendable>(
        name: String, queue: CommandQueue<Command>, executor: IOThreadExecutor,
        resumeCloseWaiter: @escaping @Sendable (Command) -> Void,
        makeSocket: @escaping @Sendable () throws(TransportError) -> ZMQSocket,
        runLoop: @escaping @Sendable (ZMQSocket) -> Void
    ) throws(RPCError) {
        let setup = BlockingReply<Void>()
        start(name: name) {
            let socket: ZMQSocket
            do throws(TransportError) {
                socket = try makeSocket()
            } catch {
                for command in queue.close(handingJobsTo: executor) { resumeCloseWaiter(command) }
                setup.fail(.protocolViolation(error.description))
                return
            }
            setup.succeed(())
            runLoop(socket)
        }
        try setup.wait()
    }
}
