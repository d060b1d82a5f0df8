import Logging

/// Runs one handler in its task and turns what it returned or threw into the reply event.
@usableFromInline
enum HandlerInvocation {
    /// Decodes the arguments, calls the handler and returns the reply's args encoded in
    /// a writer, whose buffer the reply event is then built from without an array copy.
    /// Non-sending, as `reply`, `MethodEntry.run` and the runner that awaits them: each
    /// plain `async` function on the way to the user's handler was a switch to the
    /// generic executor, which for a task with an executor preference takes the task's
    /// status lock to look the preference up (~250 instructions each), although the
    /// thread never changes.
    @usableFromInline
    typealias Body =
        nonisolated(nonsending) @Sendable (inout ArgumentReader, ServerContext) async throws -> MessagePackWriter

    /// A unary or one-way method as `reply` runs it. A class: a call takes it from its
    /// method's entry, and a struct holding the server's options was copied field by field
    /// through value witnesses (~300 instructions a call).
    final class Method: Sendable {
        let name: String
        let isOneway: Bool
        let options: ServerOptions
        let deferredRuntime: DeferredRuntime
        let isIntercepted: Bool
        let body: Body

        init(
            name: String, isOneway: Bool, options: ServerOptions, deferredRuntime: DeferredRuntime,
            isIntercepted: Bool, body: @escaping Body
        ) {
            self.name = name
            self.isOneway = isOneway
            self.options = options
            self.deferredRuntime = deferredRuntime
            self.isIntercepted = isIntercepted
            self.body = body
        }
    }

    /// `reply` for `method`. Inlined, so a runner that calls it (`ServerLoop.run`) has
    /// the switch back from the body and its own after the call next to each other, and
    /// the optimizer keeps one of them.
    @inline(__always)
    nonisolated(nonsending) static func reply(to call: IncomingCall, _ method: Method) async -> [UInt8] {
        await reply(
            to: call, method: method.name, isOneway: method.isOneway, options: method.options,
            deferredRuntime: method.deferredRuntime, isIntercepted: method.isIntercepted, body: method.body)
    }

    /// Decodes the call's context and arguments, runs `body` and encodes OK or ERR.
    /// One-way calls were answered on arrival, so their failures are only logged.
    ///
    /// A request whose header holds a responsiveness budget (`"deferred": ms`) runs its
    /// handler in a task of its own, raced against the budget counted from the call's
    /// arrival: see `DeferredRuntime.run`.
    @inline(__always)
    nonisolated(nonsending) static func reply(
        to call: IncomingCall, method: String, isOneway: Bool, options: ServerOptions, deferredRuntime: DeferredRuntime,
        isIntercepted: Bool = true, body: @escaping Body
    ) async -> [UInt8] {
        let interceptors = isIntercepted ? options.interceptors : []
        let event = call.event
        var context = ServerContext(method: method, peerIdentity: call.peerIdentity, event: event)
        context.peerPublicKey = call.peerPublicKey
        if !isOneway, let requested = DeferredWire.budget(in: event) {
            let budget: Duration
            switch requested {
            case .success(let value): budget = value
            case .failure(let malformed): return errorReply(malformed, to: event, method: method, options: options)
            }
            return await replyDeferred(
                to: call, method: method, options: options, runtime: deferredRuntime, budget: budget,
                interceptors: interceptors, context: context, body: body)
        }
        var argumentReader = event.argumentsReader()
        do {
            let count = try argumentReader.readArrayHeader()
            var arguments = ArgumentReader(reader: argumentReader, count: count, method: method)
            let extraHeader = ProtocolExtension.replyHeader(answering: event)
            // Without interceptors the body is called directly: two async frames fewer.
            guard interceptors.isEmpty else {
                let result = try await intercepted(interceptors, method: method, context: context) {
                    try await body(&arguments, $0).bytes
                }
                return EventEncoder.encode(
                    responseTo: event.messageID, extraHeader: extraHeader, name: EventName.ok, arguments: result)
            }
            let result = try await body(&arguments, context)
            return EventEncoder.encode(
                responseTo: event.messageID, extraHeader: extraHeader, name: EventName.ok, arguments: result)
        } catch {
            if isOneway || event.isFlaggedOneway {
                options.logger.warning("zerorpc server: one-way '\(method)' failed: \(String(reflecting: error))")
            }
            return errorReply(error, to: event, method: method, options: options)
        }
    }

    /// `reply` for a request with a responsiveness budget. A function of its own (never
    /// inlined) so the common path's async frame stays small: frames beyond the task's
    /// first allocator slab cost a `malloc` per call.
    @inline(never)
    private static func replyDeferred(
        to call: IncomingCall, method: String, options: ServerOptions, runtime: DeferredRuntime, budget: Duration,
        interceptors: [any ServerInterceptor], context: ServerContext, body: @escaping Body
    ) async -> [UInt8] {
        let event = call.event
        var context = context
        var reserved: DeferredToken?
        if let key = DeferredWire.idempotencyKey(in: event) {
            switch await runtime.reserve(idempotencyKey: key, clientKey: call.peerPublicKey) {
            case .existing(let token): return DeferredRuntime.deferredReply(token, answering: event)
            case .fresh(let token): reserved = token
            case .refused(let name, let message): return runtime.errorReply(event, name: name, message: message)
            case .unavailable: break
            }
        }
        let job = DeferredJob(runtime: runtime, clientKey: call.peerPublicKey)
        context.deferredJob = job
        return await runtime.run(
            deadline: call.arrivedAt.advanced(by: budget), job: job, event: event, reserved: reserved,
            handler: { [context] in
                do {
                    var argumentReader = event.argumentsReader()
                    let count = try argumentReader.readArrayHeader()
                    var arguments = ArgumentReader(reader: argumentReader, count: count, method: method)
                    return .success(
                        try await intercepted(interceptors, method: method, context: context) {
                            try await body(&arguments, $0).bytes
                        })
                } catch {
                    return .failure(error)
                }
            },
            reply: { outcome in
                switch outcome {
                case .success(let result):
                    EventEncoder.encode(
                        responseTo: event.messageID,
                        extraHeader: ProtocolExtension.replyHeader(answering: event), name: EventName.ok,
                        arguments: result)
                case .failure(let error):
                    errorReply(error, to: event, method: method, options: options)
                }
            },
            storedError: { error in deferredError(error, method: method, options: options) })
    }

    /// `ERR [name, message, ""]`: TypeError for bad arguments, the declared error with its
    /// fields in header key "error", otherwise the Swift type name and description (or
    /// `InternalError` when details are not exposed).
    static func errorReply(
        _ error: any Error, to event: EventEnvelope, method: String, options: ServerOptions
    ) -> [UInt8] {
        let (name, message, extraHeader) = errorFields(error, method: method, options: options)
        return EventEncoder.error(
            responseTo: event.messageID, name: name, message: message,
            extraHeader: ProtocolExtension.replyHeader(answering: event) + extraHeader)
    }

    /// What a deferred call's store entry keeps of the error its handler threw: the same
    /// fields `errorReply` would have sent.
    static func deferredError(_ error: any Error, method: String, options: ServerOptions) -> DeferredError {
        let (name, message, extraHeader) = errorFields(error, method: method, options: options)
        return DeferredError(
            name: name, message: message, encodedFields: extraHeader.first { $0.key == "error" }?.value)
    }

    /// The ERR name, message and extra header fields for `error`.
    static func errorFields(
        _ error: any Error, method: String, options: ServerOptions
    ) -> (name: String, message: String, extraHeader: [(key: String, value: [UInt8])]) {
        let name: String
        let message: String
        var extraHeader: [(key: String, value: [UInt8])] = []
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
            var writer = MessagePackWriter()
            error.encode(to: &writer)
            message = declaredMessage(error, fields: writer.bytes)
            extraHeader.append(("error", writer.bytes))
        default:
            if options.exposeErrorDetails {
                name = String(describing: type(of: error))
                message = readableMessage(of: error)
            } else {
                name = "InternalError"
                message = "the server failed to handle '\(method)'"
                options.logger.error("zerorpc server: '\(method)' failed: \(String(reflecting: error))")
            }
        }
        return (name, message, extraHeader)
    }

    /// What a stock peer sees as the ERR message of a declared error: its `message`
    /// field when it has one, else the description its type defines, else its fields as
    /// `name=value, …`.
    static func declaredMessage(_ error: any DeclaredError, fields encoded: [UInt8]) -> String {
        var reader = MessagePackReader(payload: encoded, startingAt: 0)
        guard case .map(let entries)? = try? reader.read(MessagePackValue.self) else {
            return readableMessage(of: error)
        }
        if let text = entries.first(where: { $0.key == .string("message") })?.value.stringValue { return text }
        if type(of: error) is any CustomStringConvertible.Type { return String(describing: error) }
        return entries.map { entry in
            let key = entry.key.stringValue ?? entry.key.description
            let value = entry.value.stringValue ?? entry.value.description
            return "\(key)=\(value)"
        }.joined(separator: ", ")
    }

    /// An error's text for peers: its own description when it defines one, its stored
    /// properties as `name=value, …` otherwise, never Swift's debug rendering of the value
    /// (`PlainError(message: "boom")`).
    static func readableMessage(of error: any Error) -> String {
        if type(of: error) is any CustomStringConvertible.Type { return String(describing: error) }
        let children = Mirror(reflecting: error).children
        guard !children.isEmpty else { return String(describing: type(of: error)) }
        if children.count == 1, let text = children.first?.value as? String { return text }
        return children.map { child in "\(child.label ?? "_")=\(child.value)" }.joined(separator: ", ")
    }
}
