extension Client {
    /// Calls `method` with dynamic values and returns the result as a dynamic value.
    ///
    /// ```swift
    /// let sum = try await client.call("add", [1, 2])   // .int(3)
    /// ```
    public func call(
        _ method: String, _ arguments: [MessagePackValue], options: CallOptions = .defaults
    ) async throws -> MessagePackValue {
        try await unary(
            method, options: options, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(arguments.count)
                for argument in arguments { writer.write(argument) }
            },
            result: { reader in try reader.read(MessagePackValue.self) })
    }

    /// Calls `method` and decodes its result: the typed path generated stubs use.
    ///
    /// With `options.deferAfter` set, the request carries that responsiveness budget; a
    /// server that answers `DEFERRED [token]` is then polled until the result arrives,
    /// as `Deferred.value` does.
    ///
    /// - Parameters:
    ///   - method: The full wire name, e.g. `"calc.add"`.
    ///   - options: Timeout, deadline and deferral budget of this call.
    ///   - declaredErrors: Error types the method declares; an ERR naming one of them
    ///     with its fields in the header is thrown as that type.
    ///   - arguments: Writes the whole positional argument array.
    ///   - result: Decodes the single result value.
    /// - Throws: `RPCError`, `RemoteError`, a declared error, or `CancellationError`.
    public func unary<Result: Sendable>(
        _ method: String,
        options: CallOptions,
        declaredErrors: [any DeclaredError.Type],
        arguments: (inout MessagePackWriter) -> Void,
        result: @Sendable (inout MessagePackReader) throws -> Result
    ) async throws -> Result {
        let options = withDefaults(options)  // issue 14: ClientOptions.defaultCallOptions
        let reply = try await request(method, options: options, budget: options.deferAfter, arguments: arguments)
        switch reply.kind {
        case .ok:
            return try Self.decodeOK(reply, method: method, result: result)
        case .error:
            throw ReplyError.decode(reply, declaredErrors: declaredErrors)
        case .deferred where options.deferAfter != nil:
            let token = try Self.deferredToken(in: reply, method: method)
            return try await awaitDeferred(
                token, method: method, options: options, declaredErrors: declaredErrors, cancelsJob: true,
                result: result)
        case .stream, .streamDone:
            throw RPCError.protocolViolation("'\(method)' answered with a stream to a unary call")
        default:
            throw RPCError.protocolViolation("'\(method)' answered with unknown event '\(reply.name)'")
        }
    }

    /// Calls a one-way method: returns once the server has accepted the call, without a
    /// result.
    ///
    /// - A server that announced the "oneway" extension gets header `"oneway": true` and
    ///   sends nothing back: the call returns as soon as the socket took it.
    /// - A stock zerorpc server answers only after its handler ran, so the call returns
    ///   once sent, and the I/O thread keeps the channel (and its heartbeats) open until
    ///   that late reply, which nobody awaits; a failure there is logged.
    /// - Until the client has seen a reply it awaits the `OK` (our server sends it on
    ///   acceptance, before running the handler), and learns which kind it talks to.
    public func oneway(
        _ method: String, options: CallOptions, arguments: (inout MessagePackWriter) -> Void
    ) async throws {
        let options = withDefaults(options)  // issue 14: ClientOptions.defaultCallOptions
        let mode: OnewayMode
        switch peers.knowledge {
        case .announced(let names) where names.contains(ProtocolExtension.oneway): mode = .flagged
        case .stock: mode = .unawaited
        case .unknown, .announced:
            try await unary(method, options: options, declaredErrors: [], arguments: arguments, result: { _ in () })
            return
        }
        let encodedArguments = try withArguments(of: method, arguments) { $0.bytes }
        guard !interceptors.isEmpty else {
            return try await sendOneway(method, mode: mode, options: options, fields: [], arguments: encodedArguments)
        }
        try await intercepted(ClientRequest(method: method, options: options)) { request in
            let fields = try Self.encodedHeader(request.header, method: method)
            try await sendOneway(
                method, mode: mode, options: request.options, fields: fields, arguments: encodedArguments)
            return ((), ClientReply(event: "sent"))
        }
    }

    private enum OnewayMode {
        /// With header `"oneway": true`: no reply will come.
        case flagged
        /// To a stock server: its late reply is collected by nobody.
        case unawaited
    }

    private func sendOneway(
        _ method: String, mode: OnewayMode, options: CallOptions, fields: [(key: String, value: [UInt8])],
        arguments: [UInt8]
    ) async throws {
        let header =
            (mode == .flagged ? ProtocolExtension.flaggedOnewayHeader : ProtocolExtension.requestHeader) + fields
        let request = EventEncoder.request(method, header: header, arguments: arguments)
        switch mode {
        case .flagged: try await post(request.payload)
        case .unawaited:
            try await sendUnawaited(method, messageID: request.messageID, payload: request.payload, options: options)
        }
    }

    /// Enqueues a call whose reply an unstructured task collects; returns once the I/O
    /// thread's queue holds it, so a `close()` after this still sends it first.
    private func sendUnawaited(
        _ method: String, messageID: ArraySlice<UInt8>, payload: [UInt8], options: CallOptions
    ) async throws {
        let enqueued = await withCheckedContinuation { (enqueued: CheckedContinuation<Bool, Never>) in
            Task {
                do {
                    let reply = try await self.perform(
                        method, messageID: messageID, payload: payload, options: options,
                        onEnqueued: { enqueued.resume(returning: $0) })
                    if reply.kind == .error {
                        let error = ReplyError.decode(reply, declaredErrors: [])
                        self.logger.warning("zerorpc client: one-way '\(method)' failed: \(error)")
                    }
                } catch {
                    self.logger.debug("zerorpc client: one-way '\(method)' ended: \(error)")
                }
            }
        }
        guard enqueued else { throw RPCError.closed }
    }
}
