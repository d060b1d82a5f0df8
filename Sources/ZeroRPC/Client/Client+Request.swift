import Synchronization

/// The path every unary call takes through the client, in one place: encode the request
/// (`request`), hand it to the loop (`perform`: the caller leads it, or the I/O thread
/// sends it), and decode the `OK` (`decodeOK`). Deferred calls, one-way calls and streams
/// start here too.
extension Client {
    /// Encodes and sends a request announcing our extensions (`"ext"`), with header key
    /// `"deferred"` when `budget` is set, and returns the first reply event of its channel.
    func request(
        _ method: String, options: CallOptions, budget: Duration?, connection: Int? = nil,
        arguments: (inout MessagePackWriter) -> Void
    ) async throws -> EventEnvelope {
        var extraHeader = ProtocolExtension.requestHeader
        if let budget {
            extraHeader.append((DeferredWire.budgetHeaderKey, DeferredWire.encodeBudget(budget)))
            if let key = options.idempotencyKey {
                var keyWriter = MessagePackWriter()
                keyWriter.write(key)
                extraHeader.append((DeferredWire.idempotencyHeaderKey, keyWriter.bytes))
            }
        }
        guard !interceptors.isEmpty else {
            // The args are copied from the stack buffer straight into the event: its one
            // allocation for the call's bytes.
            let request = try withArguments(of: method, arguments) { writer in
                EventEncoder.request(method, header: extraHeader, arguments: writer)
            }
            return try await perform(
                method, messageID: request.messageID, payload: request.payload, options: options,
                connection: connection)
        }
        let encodedArguments = try withArguments(of: method, arguments) { $0.bytes }
        return try await intercepted(ClientRequest(method: method, options: options)) { intercepted in
            let fields = try Self.encodedHeader(intercepted.header, method: method)
            let request = EventEncoder.request(method, header: extraHeader + fields, arguments: encodedArguments)
            let reply = try await perform(
                method, messageID: request.messageID, payload: request.payload, options: intercepted.options,
                connection: connection)
            return (reply, ClientReply(event: reply.name))
        }
    }

    /// Calls `body` with `method`'s arguments as `arguments` writes them, into a buffer on
    /// the stack (`MessagePackWriter.withStackBuffer`): what `body` makes of them (an
    /// event, or a copy of their bytes) is their only allocation. Arguments a stock
    /// zerorpc server would drop unanswered are refused first.
    func withArguments<Result>(
        of method: String, _ arguments: (inout MessagePackWriter) -> Void,
        _ body: (borrowing MessagePackWriter) -> Result
    ) throws(RPCError) -> Result {
        try MessagePackWriter.withStackBuffer { (writer) throws(RPCError) in
            arguments(&writer)
            try checkArgumentsForStockPeers(writer, method: method)
            return body(writer)
        }
    }

    /// Refuses arguments a stock zerorpc server would drop unanswered (`StockMapKeys`),
    /// once the client knows its servers are stock ones.
    /// The arguments are copied out of `writer` only then: every other call pays nothing.
    private func checkArgumentsForStockPeers(
        _ writer: borrowing MessagePackWriter, method: String
    ) throws(RPCError) {
        guard peers.knowledge == .stock, let key = StockMapKeys.firstRefusedKey(in: writer.bytes) else { return }
        throw RPCError.invalidArgument(
            method: method, reason: "\(key): stock zerorpc servers accept only string map keys")
    }

    /// Decodes the single value of an `OK [value]` event.
    static func decodeOK<Result>(
        _ reply: EventEnvelope, method: String, result: (inout MessagePackReader) throws -> Result
    ) throws -> Result {
        var reader = reply.argumentsReader()
        do {
            let count = try reader.readArrayHeader()
            // zerorpc's OK carries exactly one value; taking the first of several would
            // hide a peer that answers something else.
            guard count == 1 else {
                throw RPCError.protocolViolation(
                    "'\(method)' answered OK with \(count) values; an OK carries exactly one")
            }
            return try result(&reader)
        } catch let error as MessagePackDecodingError {
            throw RPCError.invalidResult(method: method, reason: error.description)
        }
    }

    /// Sends an encoded request and returns the first reply event of its channel.
    /// `onEnqueued` learns whether the I/O thread's queue took the call (false: closed).
    func perform(
        _ method: String, messageID: ArraySlice<UInt8>, payload: [UInt8], options: CallOptions,
        connection: Int? = nil, onEnqueued: (@Sendable (Bool) -> Void)? = nil
    ) async throws -> EventEnvelope {
        let callID = nextCallID.wrappingAdd(1, ordering: .relaxed).newValue
        if let wait = callerReplyWait, onEnqueued == nil, !Task.isCancelled {
            let call = OutgoingCall(
                callID: callID, method: method, messageID: messageID, payload: payload, options: options,
                receiver: .led, connection: connection)
            switch loop.loop.lead(call, wait: wait) {
            case .ended(let outcome):
                callsLedByCallers.add(1, ordering: .relaxed)
                switch consume outcome {
                case .success(let reply): return reply
                case .failure(let error): throw error
                }
            case .handedOff(let handedOff):
                return try await withTaskCancellationHandler {
                    try await withUnsafeThrowingContinuation { loop.loop.park(handedOff, $0) }
                } onCancel: {
                    queue.enqueue(.cancel(callID: callID))
                }
            case .notTaken:
                break
            }
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                let call = OutgoingCall(
                    callID: callID, method: method, messageID: messageID, payload: payload, options: options,
                    receiver: .single(continuation), connection: connection)
                let enqueued = submit(call)
                onEnqueued?(enqueued)
                if !enqueued {
                    continuation.resume(throwing: RPCError.closed)
                }
            }
        } onCancel: {
            queue.enqueue(.cancel(callID: callID))
        }
    }

    /// Starts `call`: sent by this thread when the I/O thread is free (no wake-up of it),
    /// else queued for it. False when the client has closed.
    private func submit(_ call: OutgoingCall) -> Bool {
        loop.loop.startDirectly(call) || queue.enqueue(.call(call))
    }

    /// Sends an encoded request that opens a multi-event channel (stream or generator) and
    /// returns once its first reply event arrived; that event stays unread in the channel.
    func openChannel(
        _ method: String, messageID: ArraySlice<UInt8>, payload: [UInt8], options: CallOptions
    ) async throws -> (channel: ClientChannel, first: EventEnvelope) {
        let callID = nextCallID.wrappingAdd(1, ordering: .relaxed).newValue
        let inbox = ChannelInbox()
        let channel = ClientChannel(
            callID: callID, messageID: messageID, method: method, queue: queue, inbox: inbox,
            lead: callerReplyWait.map { ConsumerLead(loop: loop, wait: $0) })
        let call = OutgoingCall(
            callID: callID, method: method, messageID: messageID, payload: payload, options: options,
            receiver: .channel(inbox))
        guard submit(call) else { throw RPCError.closed }
        guard let first = try await channel.receive() else { throw RPCError.closed }
        channel.putBack(first)
        return (channel, first)
    }

    /// Hands a request that expects no reply to the I/O thread; returns once sent.
    func post(_ payload: [UInt8]) async throws {
        try await withUnsafeThrowingContinuation { (sent: UnsafeContinuation<Void, any Error>) in
            if !queue.enqueue(.post(payload: payload, sent: sent)) {
                sent.resume(throwing: RPCError.closed)
            }
        }
    }
}
