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
    private let lead: ConsumerLead?
    private let isReleased = Atomic<Bool>(false)

    init(
        callID: UInt64, messageID: ArraySlice<UInt8>, method: String, queue: CommandQueue<ClientCommand>,
        inbox: ChannelInbox, lead: ConsumerLead? = nil
    ) {
        self.lead = lead
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

    /// Receives the channel's next events on this thread, as a unary caller receives its
    /// reply (`ClientLoop.leadChannel`), when the client allows it and its I/O thread
    /// lets it; plain `STREAM` items go to `takeItem` in place. How many items it took
    /// (events may be buffered besides), or nil when `receive()` must wait.
    func receiveItself(takeItem: (UnsafeRawBufferPointer) -> Bool) -> Int? {
        guard let lead else { return nil }
        return lead.loop.loop.leadChannel(
            callID, inbox: inbox, waitingUpTo: lead.waitMilliseconds, takeItem: takeItem)
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

    /// Sends `_zpc_more` granting `credit`: on this thread when the client's I/O thread
    /// is asleep (a consumer that receives for itself would otherwise wake it for each
    /// grant), through the queue otherwise. Grants may overtake each other, which does
    /// not change what they add up to.
    func grantCredit(_ credit: Int) {
        let payload = EventEncoder.encode(
            responseTo: messageID, name: EventName.more, arguments: StreamEvents.moreArguments(credit))
        if let lead, lead.loop.loop.sendDirectly(callID, payload) { return }
        queue.enqueue(.send(callID: callID, payload: payload))
    }

    /// Closes the channel: `_zpc_close` if it is still open, then forgotten; idempotent.
    func release() {
        guard !isReleased.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.enqueue(.release(callID: callID))
    }
}

/// What a stream's consumer needs to receive its events itself: the client's loop, and
/// how long it may wait inside libzmq (`ClientOptions.callerReplyWait`).
struct ConsumerLead: Sendable {
    let loop: ClientLoop.DirectAccess
    /// `ClientOptions.callerReplyWait`, rounded up to whole milliseconds.
    let waitMilliseconds: Int32

    init(loop: ClientLoop.DirectAccess, wait: Duration) {
        self.loop = loop
        waitMilliseconds = max(1, wait.clampedMilliseconds)
    }
}
