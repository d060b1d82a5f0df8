/// Runs a stream or generator handler in its task and turns how it ended into the final
/// event: `STREAM_DONE` or `ERR`.
@usableFromInline
enum StreamInvocation {
    @usableFromInline
    typealias Body = @Sendable (inout ArgumentReader, StreamSink, ServerContext) async throws -> Void

    static func reply(
        to call: IncomingCall, method: String, kind: StreamingKind, options: ServerOptions, body: Body
    ) async -> [UInt8] {
        let event = call.event
        guard let sink = call.stream else {
            return EventEncoder.error(
                responseTo: event.messageID, name: "InternalError", message: "'\(method)' ran without its channel")
        }
        var headerReader = MessagePackReader(payload: event.payload, startingAt: event.headerRange.lowerBound)
        let header = (try? headerReader.read(MessagePackValue.self)) ?? .map([])
        let context = ServerContext(
            method: method, peerIdentity: call.peerIdentity, header: header, peerPublicKey: call.peerPublicKey)
        var argumentReader = event.argumentsReader()
        do {
            if kind == .generator && sink.startsLazily, case .throw(let error) = try await sink.inbox.nextStep() {
                throw error
            }
            let count = try argumentReader.readArrayHeader()
            var arguments = ArgumentReader(reader: argumentReader, count: count, method: method)
            try await HandlerInvocation.intercepted(options.interceptors, method: method, context: context) {
                try await body(&arguments, sink, $0)
            }
            // A generator already holds the step that resumed it; a stream needs credit.
            if kind == .stream { try await sink.inbox.acquireCredit() }
            return StreamEvents.done(responseTo: event.messageID)
        } catch {
            if kind == .stream { try? await sink.inbox.acquireCredit() }
            if let thrown = error as? RemoteThrow {
                return EventEncoder.error(responseTo: event.messageID, name: thrown.name, message: thrown.message)
            }
            return HandlerInvocation.errorReply(error, to: event, method: method, options: options)
        }
    }
}
