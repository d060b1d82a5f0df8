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
    /// - Parameters:
    ///   - method: The full wire name, e.g. `"calc.add"`.
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
        let messageID = MessageIDGenerator.shared.next()
        var writer = MessagePackWriter()
        arguments(&writer)
        let payload = writer.withUnsafeBytes { encodedArguments in
            EventEncoder.encode(messageID: messageID, responseTo: nil, name: method, arguments: encodedArguments)
        }
        let reply = try await perform(method, messageID: messageID, payload: payload, options: options)
        switch reply.name {
        case "OK":
            var reader = MessagePackReader(payload: reply.payload, startingAt: reply.argumentsRange.lowerBound)
            do {
                guard try reader.readArrayHeader() >= 1 else {
                    throw RPCError.invalidResult(method: method, reason: "OK carried no value")
                }
                return try result(&reader)
            } catch let error as MessagePackDecodingError {
                throw RPCError.invalidResult(method: method, reason: error.description)
            }
        case "ERR":
            throw ReplyError.decode(reply, declaredErrors: declaredErrors)
        case "STREAM", "STREAM_DONE":
            throw RPCError.protocolViolation("'\(method)' answered with a stream to a unary call")
        default:
            throw RPCError.protocolViolation("'\(method)' answered with unknown event '\(reply.name)'")
        }
    }

    /// Calls a one-way method: returns once the server has accepted the call (our server
    /// answers `OK [nil]` before running the handler), without a result.
    public func oneway(
        _ method: String, options: CallOptions, arguments: (inout MessagePackWriter) -> Void
    ) async throws {
        try await unary(method, options: options, declaredErrors: [], arguments: arguments, result: { _ in () })
    }
}
