extension Client {
    /// Calls a server-stream method and returns its items as they arrive: the typed path
    /// generated stubs use.
    ///
    /// Returns once the channel's first reply event arrived (`CallOptions.timeout` applies
    /// to it); after that only heartbeat loss or `CallOptions.deadline` end the stream.
    /// An error the server reports at once (unknown method) is thrown here; later ones,
    /// including bad arguments on a zerorpc-swift server, by the iteration.
    ///
    /// - Parameters:
    ///   - method: The full wire name, e.g. `"calc.count"`.
    ///   - options: Timeout (to the first event) and deadline of this call.
    ///   - declaredErrors: Error types the method declares, thrown as those types.
    ///   - arguments: Writes the whole positional argument array.
    ///   - element: The item type.
    public func stream<Element: MessagePackDecodable & Sendable>(
        _ method: String,
        options: CallOptions,
        declaredErrors: [any DeclaredError.Type],
        arguments: (inout MessagePackWriter) -> Void,
        element: Element.Type
    ) async throws -> ResponseStream<Element> {
        let (channel, _) = try await openStreamChannel(
            method, options: options, declaredErrors: declaredErrors, arguments: arguments)
        return ResponseStream(core: ResponseStreamCore(channel: channel, declaredErrors: declaredErrors))
    }

    /// Calls a stream method with dynamic values; each item is a dynamic value.
    ///
    /// ```swift
    /// for try await item in try await client.stream("countdown", [3]) { print(item) }
    /// ```
    public func stream(
        _ method: String, _ arguments: [MessagePackValue], options: CallOptions = .defaults
    ) async throws -> ResponseStream<MessagePackValue> {
        try await stream(
            method, options: options, declaredErrors: [], arguments: { Self.writeArguments(arguments, to: &$0) },
            element: MessagePackValue.self)
    }

    /// Calls a two-way generator method and returns its client side: the typed path
    /// generated stubs use. The server's body starts at the first step (`next()`).
    ///
    /// Returns once the channel's first reply event arrived: from a zerorpc-swift server
    /// its extension announcement, from a stock server the first item of a stream.
    public func generator<Yield: MessagePackDecodable & Sendable, Sent: MessagePackEncodable & Sendable>(
        _ method: String,
        options: CallOptions,
        declaredErrors: [any DeclaredError.Type],
        arguments: (inout MessagePackWriter) -> Void,
        yield: Yield.Type,
        sent: Sent.Type
    ) async throws -> Generator<Yield, Sent> {
        let (channel, first) = try await openStreamChannel(
            method, options: options, declaredErrors: declaredErrors, arguments: arguments)
        return Generator(
            channel: channel, declaredErrors: declaredErrors,
            serverExtensions: first.announcedExtensions ?? [])
    }

    /// Calls a generator method with dynamic values.
    public func generator(
        _ method: String, _ arguments: [MessagePackValue], options: CallOptions = .defaults
    ) async throws -> Generator<MessagePackValue, MessagePackValue> {
        try await generator(
            method, options: options, declaredErrors: [], arguments: { Self.writeArguments(arguments, to: &$0) },
            yield: MessagePackValue.self, sent: MessagePackValue.self)
    }

    private static func writeArguments(_ arguments: [MessagePackValue], to writer: inout MessagePackWriter) {
        writer.writeArrayHeader(arguments.count)
        for argument in arguments { writer.write(argument) }
    }

    /// Sends the request (announcing our extensions) and waits for the first reply
    /// event; an immediate `ERR` or a unary `OK` is thrown.
    private func openStreamChannel(
        _ method: String, options: CallOptions, declaredErrors: [any DeclaredError.Type],
        arguments: (inout MessagePackWriter) -> Void
    ) async throws -> (ClientChannel, EventEnvelope) {
        let options = withDefaults(options)  // issue 14: ClientOptions.defaultCallOptions
        let encodedArguments = try withArguments(of: method, arguments) { $0.bytes }
        let open = { (options: CallOptions, fields: [(key: String, value: [UInt8])]) in
            let request = EventEncoder.request(
                method, header: ProtocolExtension.requestHeader + fields, arguments: encodedArguments)
            return try await self.openChannel(
                method, messageID: request.messageID, payload: request.payload, options: options)
        }
        let (channel, first) =
            interceptors.isEmpty
            ? try await open(options, [])
            : try await intercepted(ClientRequest(method: method, options: options)) { request in
                let opened = try await open(request.options, try Self.encodedHeader(request.header, method: method))
                return (opened, ClientReply(event: opened.1.name))
            }
        switch first.kind {
        case .error:
            channel.release()
            throw ReplyError.decode(first, declaredErrors: declaredErrors)
        case .ok:
            channel.release()
            throw RPCError.protocolViolation("'\(method)' answered a stream call with a single result")
        default:
            return (channel, first)
        }
    }
}
