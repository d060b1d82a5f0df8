import Synchronization

/// How a stream or generator handler reaches its channel: the inbox its client fills,
/// and the server's I/O thread, which sends the events the handler encodes.
@usableFromInline
struct StreamSink: Sendable {
    let inbox: HandlerInbox
    let queue: CommandQueue<ServerCommand>
    let callNumber: UInt64
    /// Raw msgpack of the request's `message_id`, echoed as `response_to`.
    let channelID: ArraySlice<UInt8>
    let method: String
    /// A generator whose client announced extensions: its body waits for the first step.
    let startsLazily: Bool

    /// Items written and not yet sent, shared with the I/O thread.
    let outbox: StreamOutbox

    /// `StreamWriter.write` with credit on hand: emits `item` and returns true; false
    /// (nothing sent) when the handler must wait for credit.
    /// - Throws: `CancellationError` once the call was closed, lost or cancelled.
    @usableFromInline
    func emitIfCredited<Item: MessagePackEncodable>(_ item: Item) throws -> Bool {
        try Task.checkCancellation()
        guard outbox.hasRoom, try inbox.takeCreditIfAvailable() else { return false }
        emit(item)
        return true
    }

    /// `StreamWriter.write` without credit or room: waits until the I/O thread has taken
    /// the outbox's items and the client has granted credit, then emits `item`.
    /// Non-sending, as `write`: called from it, it needs no hop of its own.
    @usableFromInline
    nonisolated(nonsending) func emitWhenCredited<Item: MessagePackEncodable>(_ item: Item) async throws {
        try await outbox.waitForRoom()
        try await inbox.acquireCredit()
        emit(item)
    }

    /// Encodes `item` as a `STREAM` event for the I/O thread; it goes out after the
    /// handler's earlier events and before its final one. The thread is told once per
    /// batch, not per item.
    func emit<Item: MessagePackEncodable>(_ item: Item) {
        CallEvents.observer?.streamItemSent()  // issue 14: stream item metrics
        if outbox.append(item, responseTo: channelID) {
            queue.enqueue(.flushStream(callNumber: callNumber))
        }
    }
}

/// How a server runs a method that answers with more than one event.
enum StreamingKind: Sendable {
    /// `-> stream T`: `STREAM`… `STREAM_DONE`, flow-controlled by `_zpc_more` credit.
    case stream
    /// `-> generator<Y, S>`: one `STREAM` per client step, lock-step.
    case generator
}

/// The events a stream's handler wrote that the I/O thread has not sent yet.
///
/// A handler writes many items between two turns of the I/O thread (it runs on that
/// thread by default, until it runs out of credit). One `flushStream` command per batch
/// instead of one command per item keeps the command queue's lock and the wake-up out of
/// the per-item cost; the I/O thread then sends the whole batch in one go. The events are
/// encoded back to back into one buffer, so an item costs no allocation of its own; the
/// I/O thread swaps the buffer for an empty one and sends from it outside the lock.
final class StreamOutbox: Sendable {
    /// How many bytes of consecutive events go out in one message to a client that
    /// announced ``ProtocolExtension/batch``: under `LargePayload.threshold`, so a batch
    /// arrives as plain bytes, and small enough that a slow stream's first items are not
    /// held back (the I/O thread sends whatever the outbox holds each time it flushes).
    static let batchLimit = 16 * 1024

    /// `batchLimit` for a client that reads batches, 0 for one that reads one event a
    /// message (a stock client, or an older zerorpc-swift one).
    let batchBytes: Int

    init(batchBytes: Int = 0) {
        self.batchBytes = batchBytes
    }

    // @unchecked: the writer's buffer has exactly one owner (the batch is non-copyable),
    // so moving a batch between the handler and the I/O thread shares nothing.
    private struct Batch: ~Copyable, @unchecked Sendable {
        var events = MessagePackWriter(reservingCapacity: 4096)
        /// Where each event ends in `events`.
        var ends: [Int] = []

        mutating func removeAll() {
            events.removeAll()
            ends.removeAll(keepingCapacity: true)
        }
    }

    private struct State: ~Copyable {
        var pending = Batch()
        /// The buffer the I/O thread sent from last, kept for the next swap.
        var spare: Batch? = Batch()
        var flushQueued = false
        var isCancelled = false
        /// The handler, waiting for the I/O thread to take a full outbox.
        var roomWaiter: CheckedContinuation<Void, any Error>?
    }

    private let state = LockedValue(State())

    /// How many bytes of events a handler may write ahead of the I/O thread: past it,
    /// `write` waits for the thread to take them. This bounds a stream's memory in bytes
    /// (credit bounds it in items), and the thread holds a full outbox back while its
    /// client's queue is full (`ServerOptions.maximumQueuedBytesPerPeer`).
    static let roomLimit = 1 << 20

    /// Set (under the lock) when an append fills the outbox, cleared when the I/O thread
    /// takes it: the handler's fast path reads it without taking the lock.
    private let isFull = Atomic<Bool>(false)

    /// Whether the handler may write another event now.
    var hasRoom: Bool {
        !isFull.load(ordering: .acquiring)
    }

    /// Handler: returns once the outbox has room; throws `CancellationError` when the
    /// call is cancelled meanwhile.
    func waitForRoom() async throws {
        try await state.waitUnlessReady(of: Void.self, onCancel: cancel) { state, continuation in
            if state.isCancelled { return .cancelled }
            if state.pending.events.count < Self.roomLimit { return .ready(()) }
            state.roomWaiter = continuation
            return .parked
        }
    }

    /// The call ended or was cancelled: a waiting handler throws `CancellationError`.
    func cancel() {
        let waiter = state.withLock { state in
            state.isCancelled = true
            defer { state.roomWaiter = nil }
            return state.roomWaiter
        }
        waiter?.resume(throwing: CancellationError())
    }

    /// Handler: encodes `STREAM item` at the end of the batch; true when the I/O thread
    /// must be told (the first item since its last `send`).
    func append<Item: MessagePackEncodable>(_ item: Item, responseTo channelID: ArraySlice<UInt8>) -> Bool {
        // The item is only read, to encode it, while the lock is held.
        nonisolated(unsafe) let item = item
        return state.withLock { state in
            StreamEvents.writeItem(item, responseTo: channelID, into: &state.pending.events)
            state.pending.ends.append(state.pending.events.count)
            if state.pending.events.count >= Self.roomLimit { isFull.store(true, ordering: .releasing) }
            guard !state.flushQueued else { return false }
            state.flushQueued = true
            return true
        }
    }

    /// I/O thread: calls `body` with the queued events, oldest first, then forgets them:
    /// one event a call, or, for a client that reads batches, as many consecutive events
    /// as fit `batchBytes` (an event larger than that alone). The events lie back to back,
    /// so a batch is a slice of the buffer, not a copy.
    func send(_ body: (UnsafeRawBufferPointer) -> Void) {
        var waiter: CheckedContinuation<Void, any Error>?
        var batch = state.withLock { state -> Batch in
            state.flushQueued = false
            var taken = state.spare.take() ?? Batch()
            swap(&taken, &state.pending)
            isFull.store(false, ordering: .releasing)
            waiter = state.roomWaiter
            state.roomWaiter = nil
            return taken
        }
        waiter?.resume()
        let ends = batch.ends
        let limit = batchBytes
        batch.events.withUnsafeBytes { events in
            var start = 0
            var runEnd = 0
            for end in ends {
                if end - start > limit, runEnd > start {
                    body(UnsafeRawBufferPointer(rebasing: events[start..<runEnd]))
                    start = runEnd
                }
                runEnd = end
            }
            if runEnd > start { body(UnsafeRawBufferPointer(rebasing: events[start..<runEnd])) }
        }
        batch.removeAll()
        var returned: Batch? = consume batch
        state.withLock { state in swap(&state.spare, &returned) }
    }
}
