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

    /// Hands an encoded event to the I/O thread; it goes out after the handler's earlier
    /// events and before its final one.
    func emit(_ payload: [UInt8]) {
        CallEvents.observer?.streamItemSent()  // issue 14: stream item metrics
        queue.enqueue(.streamEvent(callNumber: callNumber, payload: payload))
    }
}

/// How a server runs a method that answers with more than one event.
enum StreamingKind: Sendable {
    /// `-> stream T`: `STREAM`… `STREAM_DONE`, flow-controlled by `_zpc_more` credit.
    case stream
    /// `-> generator<Y, S>`: one `STREAM` per client step, lock-step.
    case generator
}
