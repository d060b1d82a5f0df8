import Synchronization

/// A consumer's handle on one open multi-event channel of a `Client`: it receives the
/// channel's events, sends events on it, and lets go of it (sending `_zpc_close` if the
/// channel is still open) at the latest when the handle is dropped.
final class ClientChannel: Sendable {
    let callID: UInt64
    /// The channel id: raw msgpack of the request's `message_id`.
    let messageID: ArraySlice<UInt8>
    let method: String
    private let queue: CommandQueue<ClientCommand>
    private let inbox: ChannelInbox
    private let isReleased = Atomic<Bool>(false)

    init(
        callID: UInt64, messageID: ArraySlice<UInt8>, method: String, queue: CommandQueue<ClientCommand>,
        inbox: ChannelInbox
    ) {
        self.callID = callID
        self.messageID = messageID
        self.method = method
        self.queue = queue
        self.inbox = inbox
    }

    deinit {
        release()
    }

    /// The next event (`_zpc_hb` only when it announced extensions); nil once the channel
    /// ended. Cancelling the waiting task closes the channel and throws `CancellationError`.
    func receive() async throws -> EventEnvelope? {
        let queue = self.queue
        let callID = self.callID
        return try await withTaskCancellationHandler {
            try await inbox.next()
        } onCancel: {
            queue.enqueue(.cancel(callID: callID))
        }
    }

    /// Every buffered event at once, into `batch` (see `ChannelInbox.takeBuffered`).
    func takeBuffered(into batch: inout [EventEnvelope]) {
        inbox.takeBuffered(into: &batch)
    }

    /// Makes `event` the next one `receive()` returns.
    func putBack(_ event: EventEnvelope) {
        inbox.putBack(event)
    }

    /// Sends `name args` on the channel; dropped by the I/O thread once it has ended.
    func send(_ name: String, arguments: [UInt8]) {
        let payload = EventEncoder.encode(
            responseTo: messageID, name: name, arguments: arguments)
        queue.enqueue(.send(callID: callID, payload: payload))
    }

    /// Closes the channel: `_zpc_close` if it is still open, then forgotten; idempotent.
    func release() {
        guard !isReleased.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.enqueue(.release(callID: callID))
    }
}
