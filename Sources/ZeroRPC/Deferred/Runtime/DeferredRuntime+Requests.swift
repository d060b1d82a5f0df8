/// The server's answers to `_zpc_result`, `_zpc_status`, `_zpc_cancel` and `_zpc_ack`.
extension DeferredRuntime {
    /// Answers one deferred request with the whole reply event.
    func answer(_ name: String, _ call: IncomingCall) async -> [UInt8] {
        let event = call.event
        do {
            var reader = event.argumentsReader()
            let count = try reader.readArrayHeader()
            guard count >= 1, let text = try? reader.readString() else {
                throw ArgumentError(message: "\(name)(): expected a deferred token as the first argument")
            }
            guard let token = DeferredToken(text) else {
                throw ArgumentError(message: "\(name)(): malformed deferred token")
            }
            // Checked before the store is asked anything: a malformed poll costs no lookup.
            let wait =
                name == DeferredWire.result
                ? try DeferredWire.resultWait(count >= 2 ? try reader.read(MessagePackValue.self) : nil) : .zero
            guard try await mayUse(token, callerKey: call.peerPublicKey) else {
                logger.notice(
                    "zerorpc server: refused '\(name)' about deferred call \(token): it is bound to another client key",
                    metadata: ["caller-key": "\(call.peerPublicKey ?? "none")"])
                return unknownTokenAnswer(name, token, event: event)
            }
            switch name {
            case DeferredWire.result:
                return try await result(token, waitingUpTo: wait, event: event)
            case DeferredWire.status:
                guard let status = try await store.status(of: token) else { return notFound(token, event: event) }
                return ok(DeferredWire.encode(status), event: event)
            case DeferredWire.cancel:
                let wasUnfinished = try await store.requestCancellation(token)
                if wasUnfinished { cancelLocally(token) }
                return ok(.bool(wasUnfinished), event: event)
            default:
                try await store.acknowledge(token)
                claimed(token)
                return ok(.nil, event: event)
            }
        } catch let error as ArgumentError {
            return errorReply(event, name: "TypeError", message: error.message)
        } catch let error as MessagePackDecodingError {
            return errorReply(event, name: "TypeError", message: "\(name)(): \(error)")
        } catch {
            logger.error("zerorpc server: '\(name)' failed in the result store: \(error)")
            return errorReply(
                event, name: DeferredWire.ErrorName.storeFailed, message: "the result store failed: \(error)")
        }
    }

    /// `OK [value]`, `ERR [...]` (the job's own error, or why there is no result) or
    /// `DEFERRED [token]` when the job is still running after the long poll.
    private func result(
        _ token: DeferredToken, waitingUpTo wait: Duration, event: EventEnvelope
    ) async throws
        -> [UInt8]
    {
        switch try await store.wait(for: token, upTo: wait) {
        case .unfinished:
            return EventEncoder.encode(
                responseTo: event.messageID,
                extraHeader: ProtocolExtension.replyHeader(answering: event), name: DeferredWire.deferredEvent,
                arguments: Self.tokenArguments(token))
        case .finished(.success(let value)):
            return EventEncoder.encode(
                responseTo: event.messageID,
                extraHeader: ProtocolExtension.replyHeader(answering: event), name: EventName.ok,
                arguments: [0x91] + value)
        case .finished(.failure(let error)):
            return errorReply(
                event, name: error.name, message: error.message, traceback: error.traceback,
                fields: error.encodedFields)
        case .finished(.cancelled):
            return errorReply(
                event, name: DeferredWire.ErrorName.cancelled,
                message: "deferred call \(token) was cancelled")
        case .expired:
            return errorReply(
                event, name: DeferredWire.ErrorName.expired,
                message: "deferred result \(token) expired unclaimed")
        case .unknown:
            return notFound(token, event: event)
        }
    }

    /// Whether a caller presenting `callerKey` may use `token`: always for a bearer token
    /// (or one the store does not know), else only with the key it is bound to. Checked
    /// for every bound entry, whatever this server's own binding setting, so a server
    /// sharing a store with binding servers keeps their promise.
    private func mayUse(_ token: DeferredToken, callerKey: String?) async throws -> Bool {
        guard let bound = try await store.boundClientKey(of: token) else { return true }
        return callerKey == bound
    }

    /// What a request about a token the store does not know gets: `ERR DeferredNotFound`
    /// for `_zpc_result` and `_zpc_status`, `OK [false]` for `_zpc_cancel`, `OK [nil]` for
    /// `_zpc_ack`. A caller refused by the binding gets exactly this, so it cannot tell a
    /// live token bound to someone else from one that never existed.
    private func unknownTokenAnswer(_ name: String, _ token: DeferredToken, event: EventEnvelope) -> [UInt8] {
        switch name {
        case DeferredWire.cancel: ok(.bool(false), event: event)
        case DeferredWire.ack: ok(.nil, event: event)
        default: notFound(token, event: event)
        }
    }

    private func notFound(_ token: DeferredToken, event: EventEnvelope) -> [UInt8] {
        errorReply(
            event, name: DeferredWire.ErrorName.notFound,
            message: "no deferred result for token \(token)")
    }

    private func ok(_ value: MessagePackValue, event: EventEnvelope) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        writer.write(value)
        return EventEncoder.encode(
            responseTo: event.messageID,
            extraHeader: ProtocolExtension.replyHeader(answering: event), name: EventName.ok, arguments: writer.bytes)
    }

    /// `ERR [name, message, traceback]`, with a declared error's fields in header key
    /// `"error"` and our extension list when the request announced one.
    func errorReply(
        _ event: EventEnvelope, name: String, message: String, traceback: String = "", fields: [UInt8]? = nil
    ) -> [UInt8] {
        var extraHeader = ProtocolExtension.replyHeader(answering: event)
        if let fields { extraHeader.append(("error", fields)) }
        return EventEncoder.error(
            responseTo: event.messageID, name: name, message: message, traceback: traceback, extraHeader: extraHeader)
    }
}
