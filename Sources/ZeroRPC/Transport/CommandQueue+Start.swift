/// The first-use start of a socket owner's I/O thread (a server's, an event receiver's):
/// a new queue, attached to the owner's executor, handed to the loop's `start`.

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
}
