/// Stream and generator channels on a server's I/O thread: opening them, routing the
/// client's `_zpc_more` / `_zpc_send` / `_zpc_throw` / `_zpc_close` to the call, and
/// sending the handler's `STREAM` events.
extension ServerLoop {
    /// The sink a stream or generator handler uses. When the request carried `ext`, the
    /// server's own list goes out at once in a `_zpc_hb`, so the client learns it before
    /// any item; a generator then starts lazily, at the client's first step. A stock
    /// client gets zerorpc's initial credit of one event instead.
    func openStream(
        _ kind: StreamingKind, callNumber: UInt64, event: EventEnvelope, routing: [[UInt8]]
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
            startsLazily: kind == .generator && announces)
    }

    /// `_zpc_close`: cancels exactly that call's handler. A generator answers with
    /// `STREAM_DONE` once its handler has ended; other calls end silently.
    func closeChannel(_ key: ChannelKey, _ channel: OpenChannel) {
        let number = channel.callNumber
        guard let call = calls[number] else {
            channels[key] = nil
            return
        }
        call.incoming.stream?.inbox.cancel()
        if let task = call.task {
            if call.entry.streaming == .generator {
                channels[key]?.isClosing = true
            } else {
                channels[key] = nil
            }
            task.cancel()
        } else {
            // Still waiting for a handler slot: it never runs.
            channels[key] = nil
            calls[number] = nil
            if call.entry.streaming == .generator {
                send(StreamEvents.done(responseTo: key.messageID), to: channel.routing)
            }
        }
    }

    /// Credit and generator steps for a running stream or generator call.
    func deliverToHandler(_ event: EventEnvelope, callNumber: UInt64) {
        guard let call = calls[callNumber], let kind = call.entry.streaming, let sink = call.incoming.stream else {
            return
        }
        switch (event.name, kind) {
        case ("_zpc_more", _):
            var reader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
            guard (try? reader.readArrayHeader()).map({ $0 >= 1 }) == true, let credit = try? reader.readInt64(),
                credit > 0
            else {
                options.malformedInputLog.warning("zerorpc server: dropped a malformed _zpc_more")
                return
            }
            let count = Int(clamping: credit)
            if kind == .stream {
                sink.inbox.grant(count)
            } else {
                sink.inbox.push(.next(count: count))
            }
        case ("_zpc_send", .generator):
            sink.inbox.push(.send(event))
        case ("_zpc_throw", .generator):
            sink.inbox.push(.throw(RemoteThrow(decoding: event)))
        default:
            options.logger.debug("zerorpc server: dropped '\(event.name)' on call \(callNumber)")
        }
    }

    /// A handler's `STREAM`: sent unless the channel was closed or lost meanwhile.
    func sendStreamEvent(_ payload: [UInt8], callNumber: UInt64) {
        guard let key = calls[callNumber]?.channel, let channel = channels[key], !channel.isClosing else { return }
        send(payload, to: channel.routing)
    }
}
