/// How a stream or generator handler reaches its channel: the inbox its client fills,
/// and the server's I/O thread, which sends the events the handler encodes.
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
    let outbox = StreamOutbox()

    /// Hands an encoded event to the I/O thread; it goes out after the handler's earlier
    /// events and before its final one. The thread is told once per batch, not per item.
    func emit(_ payload: [UInt8]) {
        CallEvents.observer?.streamItemSent()  // issue 14: stream item metrics
        if outbox.append(payload) {
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
/// the per-item cost; the I/O thread then sends the whole batch in one go.
final class StreamOutbox: Sendable {
    private struct State {
        var payloads: [[UInt8]] = []
        var spare: [[UInt8]] = []
        var flushQueued = false
    }

    private let state = LockedValue(State())

    /// Handler: queues `payload`; true when the I/O thread must be told (the first item
    /// since its last `takeAll`).
    func append(_ payload: [UInt8]) -> Bool {
        state.withLock { state in
            state.payloads.append(payload)
            guard !state.flushQueued else { return false }
            state.flushQueued = true
            return true
        }
    }

    /// I/O thread: every queued payload, oldest first.
    func takeAll() -> [[UInt8]] {
        state.withLock { state in
            state.flushQueued = false
            state.spare.removeAll(keepingCapacity: true)
            swap(&state.payloads, &state.spare)
            return state.spare
        }
    }
}
