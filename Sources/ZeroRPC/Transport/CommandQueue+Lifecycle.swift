// The two ends of a socket owner's queue (a server's, an event receiver's): made and
// attached to the owner's executor on first use, closed with its jobs handed off when
// the I/O thread stops.

extension CommandQueue {
    /// A new queue whose jobs `executor` runs, once `start` has started the I/O thread
    /// that works it off. Throws `RPCError.protocolViolation` when the queue's wake-up
    /// descriptor cannot be made, and whatever `start` throws.
    static func started(
        attachedTo executor: IOThreadExecutor, by start: (CommandQueue) throws(RPCError) -> Void
    ) throws(RPCError) -> CommandQueue {
        let queue: CommandQueue
        do throws(TransportError) {
            queue = try CommandQueue()
        } catch {
            throw .protocolViolation(error.description)
        }
        executor.attach(queue)
        try start(queue)
        return queue
    }

    /// I/O thread, when it stops: closes the queue, hands the jobs still queued to
    /// `executor`'s fallback, and returns the commands still queued, for the loop to fail.
    func close(handingJobsTo executor: IOThreadExecutor) -> [Command] {
        let (remaining, jobs) = close()
        executor.handOffRemainingJobs(jobs)
        return remaining
    }
}
