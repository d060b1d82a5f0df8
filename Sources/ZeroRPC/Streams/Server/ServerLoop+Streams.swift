/// Stream and generator channels on a server's I/O thread: opening them, routing the
/// client's `_zpc_more` / `_zpc_send` / `_zpc_throw` / `_zpc_close` to the call, and
/// sending the handler's `STREAM` events.
extension ServerLoop {
    /// The sink a stream or generator handler uses. When the request carried `ext`, the
    /// server's own list goes out at once in a `_zpc_hb`, so the client learns it before
    /// any item; a generator then starts lazily, at the client's first step. A stock
    /// client gets zerorpc's initial credit of one event instead.
    func openStream(
        _ kind: StreamingKind, callNumber: UInt64, event: EventEnvelope, routing: [[UInt8]], readsBatches: Bool
    ) -> StreamSink {
        let announces = event.extensionsRange != nil
        if announces {
            send(StreamEvents.extensionAnnouncement(responseTo: event.messageID), to: routing)
        }
        let inbox: HandlerInbox
        switch kind {
        case .stream: inbox = HandlerInbox(credit: 1, steps: [])
        case .generator: inbox = HandlerInbox(credit: 0, steps: announces ? [] : [.next(count: 1)])
        }
        return StreamSink(
            inbox: inbox, queue: queue, callNumber: callNumber, channelID: event.messageID, method: event.name,
            startsLazily: kind == .generator && announces,
            outbox: StreamOutbox(
                batchBytes: readsBatches ? StreamOutbox.batchLimit : 0))
    }

    /// `_zpc_close`: cancels exactly that call's handler. A generator answers with
    /// `STREAM_DONE` once its handler has ended; other calls end silently.
    func closeChannel(_ key: ChannelKey, _ channel: ServerCallTable.OpenChannel) {
        let call: AdmittedCall
        switch table.closeChannel(key) {
        case .forgotten: return
        case .cancelRunning(let running): call = running
        case .droppedWaiting(let waiting): call = waiting
        }
        call.incoming.stream?.inbox.cancel()
        call.incoming.stream?.outbox.cancel()
        if call.handler != nil {
            cancelHandler(of: call)
        } else if call.entry.streaming == .generator {
            // It waited for a handler slot and never runs.
            send(StreamEvents.done(responseTo: key.messageID), to: channel.routing)
        }
    }

    /// Credit and generator steps for a running stream or generator call.
    func deliverToHandler(_ event: EventEnvelope, callNumber: UInt64) {
        guard let call = table.calls[callNumber], let kind = call.entry.streaming, let sink = call.incoming.stream
        else {
            return
        }
        switch (event.kind, kind) {
        case (.more, _):
            guard let credit = Self.credit(in: event) else {
                // Ignoring it would stall the stream for good: end it with a reason.
                warnAboutInput(
                    from: call.incoming.peerIdentity, "malformed _zpc_more on call \(callNumber); ending the stream")
                failStream(callNumber, name: "ProtocolError", message: "_zpc_more needs one positive integer")
                return
            }
            if kind == .stream {
                sink.inbox.grant(credit)
            } else {
                sink.inbox.push(.next(count: credit))
            }
        case (.send, .generator):
            sink.inbox.push(.send(event))
        case (.throw, .generator):
            guard let thrown = RemoteThrow(decoding: event) else {
                warnAboutInput(
                    from: call.incoming.peerIdentity, "malformed _zpc_throw on call \(callNumber); ending it")
                failStream(callNumber, name: "ProtocolError", message: "_zpc_throw needs [name, message] strings")
                return
            }
            sink.inbox.push(.throw(thrown))
        default:
            options.logger.debug("zerorpc server: dropped '\(event.name)' on call \(callNumber)")
        }
    }

    /// The count a `_zpc_more` grants: any positive integer, uint64 ones clamped (the
    /// inbox clamps them further to `HandlerInbox.maximumCredit`); nil when malformed.
    static func credit(in event: EventEnvelope) -> Int? {
        var reader = event.argumentsReader()
        guard (try? reader.readArrayHeader()).map({ $0 >= 1 }) == true,
            let value = try? reader.read(MessagePackValue.self)
        else { return nil }
        switch value {
        case .int(let count) where count > 0: return Int(clamping: count)
        case .uint(let count) where count > 0: return Int(clamping: count)
        default: return nil
        }
    }

    /// Ends a stream or generator call with `ERR name message`: its handler is cancelled
    /// and nothing more goes out on its channel.
    func failStream(_ callNumber: UInt64, name: String, message: String) {
        guard let (call, key, channel) = table.removeChannel(of: callNumber) else { return }
        call.incoming.stream?.inbox.cancel()
        call.incoming.stream?.outbox.cancel()
        send(EventEncoder.error(responseTo: key.messageID, name: name, message: message), to: channel.routing)
        if call.handler != nil {
            cancelHandler(of: call)
        } else {
            table.forgetWaitingCall(callNumber)
        }
    }

    /// Sends what a stream's handler wrote since the last flush.
    func flushStream(_ callNumber: UInt64) {
        guard let call = table.calls[callNumber], let outbox = call.incoming.stream?.outbox else { return }
        flush(outbox, number: callNumber, on: table.liveChannel(of: call), evenIfPeerIsFull: false)
    }

    /// Sends `outbox`'s events on `channel`, the call's own and not closing; with no such
    /// channel (gone, reused or closing) they are dropped: nothing goes out after
    /// `_zpc_close`.
    func flush(
        _ outbox: StreamOutbox, number callNumber: UInt64, on channel: ServerCallTable.OpenChannel?,
        evenIfPeerIsFull: Bool
    ) {
        guard let channel, !channel.isClosing else {
            outbox.send { _ in }  // dropped
            return
        }
        // A client whose queue is full gets nothing more for now: the items stay in the
        // outbox, whose handler waits once that holds `StreamOutbox.roomLimit` bytes.
        if !evenIfPeerIsFull && peerQueueIsFull(channel.routing[0]) {
            table.streamsWaitingForPeers.insert(callNumber)
            return
        }
        let routing = channel.routing
        outbox.send { payload in send(payload, to: routing) }
    }

    /// Flushes the streams held back for a full client queue once that queue has
    /// drained to half (or the stream ended).
    func resumeStreamsWaitingForPeers() {
        for callNumber in table.streamsWaitingForPeers {
            guard let call = table.calls[callNumber], let channel = table.liveChannel(of: call) else {
                // Ended, or its channel closed: what it still holds is dropped.
                table.streamsWaitingForPeers.remove(callNumber)
                flushStream(callNumber)
                continue
            }
            guard !peerQueueIsFull(channel.routing[0], belowHalf: true) else { continue }
            table.streamsWaitingForPeers.remove(callNumber)
            flushStream(callNumber)
        }
    }
}
