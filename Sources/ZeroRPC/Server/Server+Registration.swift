extension Server {
    /// Serves every method of `service` under its namespace (`calc.add`).
    /// - Throws: `RPCError.duplicateMethod` when a wire name is already served; then
    ///   none of the service's methods are added.
    public func register<S: RegistrableService>(_ service: S) throws {
        let prefix = S.namespace.map { "\($0)." } ?? ""
        let newEntries = service.methods.map { method in
            let wireName = prefix + method.name
            return (name: wireName, entry: entry(for: method, wireName: wireName))
        }
        if let taken = methods.insert(newEntries, interface: S.interfaceDefinition) {
            throw RPCError.duplicateMethod(taken)
        }
    }

    /// Serves `name` with a handler over dynamic values; no generated code needed.
    ///
    /// ```swift
    /// try server.register(name: "add") { arguments, _ in
    ///     .int((arguments[0].int64Value ?? 0) + (arguments[1].int64Value ?? 0))
    /// }
    /// ```
    public func register(
        name: String, doc: String? = nil,
        handler: @escaping @Sendable ([MessagePackValue], ServerContext) async throws -> MessagePackValue
    ) throws {
        let (options, runtime) = (self.options, deferredRuntime)
        let invocation = HandlerInvocation.Method(
            name: name, isOneway: false, options: options, deferredRuntime: runtime, isIntercepted: true
        ) { arguments, context in
            let result = try await handler(try arguments.remainingValues(), context)
            var writer = MessagePackWriter()
            writer.writeArrayHeader(1)
            writer.write(result)
            return writer
        }
        let entry = MethodEntry(parameters: nil, doc: doc, invocation: invocation)
        if let taken = methods.insert([(name, entry)]) {
            throw RPCError.duplicateMethod(taken)
        }
    }

    private func entry(for method: ServiceMethod, wireName: String) -> MethodEntry {
        let (options, runtime) = (self.options, deferredRuntime)
        let isOneway: Bool
        let body: HandlerInvocation.Body
        let check: (@Sendable (inout ArgumentReader) throws -> Void)?
        switch method.kind {
        case .unary(let unary): (isOneway, body, check) = (false, unary, nil)
        case .oneway(let oneway, let checkArguments): (isOneway, body, check) = (true, oneway, checkArguments)
        case .stream(let stream): return streamEntry(for: method, wireName: wireName, kind: .stream, body: stream)
        case .generator(let generator):
            return streamEntry(for: method, wireName: wireName, kind: .generator, body: generator)
        }
        var refuseArguments: (@Sendable (EventEnvelope) -> [UInt8]?)?
        if let check {
            refuseArguments = { event in
                do {
                    var arguments = try ArgumentReader(argumentsOf: event, method: wireName)
                    try check(&arguments)
                    return nil
                } catch {
                    return HandlerInvocation.errorReply(error, to: event, method: wireName, options: options)
                }
            }
        }
        let invocation = HandlerInvocation.Method(
            name: wireName, isOneway: isOneway, options: options, deferredRuntime: runtime, isIntercepted: true,
            body: body)
        return MethodEntry(
            parameters: method.parameters, doc: method.doc, invocation: invocation, refuseArguments: refuseArguments)
    }

    /// The entry of a stream or generator method: the server opens its channel and
    /// `StreamInvocation` runs it.
    private func streamEntry(
        for method: ServiceMethod, wireName: String, kind: StreamingKind, body: @escaping StreamInvocation.Body
    ) -> MethodEntry {
        let options = self.options
        return MethodEntry(isOneway: false, parameters: method.parameters, doc: method.doc, streaming: kind) { call in
            await StreamInvocation.reply(to: call, method: wireName, kind: kind, options: options, body: body)
        }
    }
}
