import Logging

/// Runs one handler in its task and turns what it returned or threw into the reply event.
enum HandlerInvocation {
    typealias Body = @Sendable (inout ArgumentReader, ServerContext) async throws -> [UInt8]

    /// Decodes the call's context and arguments, runs `body` and encodes OK or ERR.
    /// One-way calls were answered on arrival, so their failures are only logged.
    static func reply(
        to call: IncomingCall, method: String, isOneway: Bool, options: ServerOptions, body: Body
    ) async -> [UInt8] {
        let event = call.event
        var headerReader = MessagePackReader(payload: event.payload, startingAt: event.headerRange.lowerBound)
        let header = (try? headerReader.read(MessagePackValue.self)) ?? .map([])
        let context = ServerContext(method: method, peerIdentity: call.peerIdentity, header: header)
        var argumentReader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
        do {
            let count = try argumentReader.readArrayHeader()
            var arguments = ArgumentReader(reader: argumentReader, count: count, method: method)
            let result = try await body(&arguments, context)
            return EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: event.messageID,
                extraHeader: ProtocolExtension.replyHeader(answering: event), name: "OK", arguments: result)
        } catch {
            if isOneway || event.isFlaggedOneway {
                options.logger.warning("zerorpc server: one-way '\(method)' failed: \(String(reflecting: error))")
            }
            return errorReply(error, to: event, method: method, options: options)
        }
    }

    /// `ERR [name, message, ""]`: TypeError for bad arguments, the declared error with its
    /// fields in header key "error", otherwise the Swift type name and description (or
    /// `InternalError` when details are not exposed).
    static func errorReply(
        _ error: any Error, to event: EventEnvelope, method: String, options: ServerOptions
    ) -> [UInt8] {
        let name: String
        let message: String
        var extraHeader = ProtocolExtension.replyHeader(answering: event)
        switch error {
        case let error as ArgumentError:
            name = "TypeError"
            message = error.message
        case let error as NameError:
            name = "NameError"
            message = error.name
        case let error as MessagePackDecodingError:
            name = "TypeError"
            message = "\(method)(): \(error)"
        case let error as any DeclaredError:
            name = type(of: error).wireName
            message = String(describing: error)
            var writer = MessagePackWriter()
            error.encode(to: &writer)
            extraHeader.append(("error", writer.bytes))
        default:
            if options.exposeErrorDetails {
                name = String(describing: type(of: error))
                message = String(describing: error)
            } else {
                name = "InternalError"
                message = "the server failed to handle '\(method)'"
                options.logger.error("zerorpc server: '\(method)' failed: \(String(reflecting: error))")
            }
        }
        return EventEncoder.error(responseTo: event.messageID, name: name, message: message, extraHeader: extraHeader)
    }
}
