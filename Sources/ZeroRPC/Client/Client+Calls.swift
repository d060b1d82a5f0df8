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
        let reply = try await request(method, options: options, budget: options.deferAfter, arguments: arguments)
        switch reply.name {
        case "OK":
            return try Self.decodeOK(reply, method: method, result: result)
        case "ERR":
            throw ReplyError.decode(reply, declaredErrors: declaredErrors)
        case DeferredWire.deferredEvent where options.deferAfter != nil:
            let token = try Self.deferredToken(in: reply, method: method)
            return try await awaitDeferred(
                token, method: method, options: options, declaredErrors: declaredErrors, cancelsJob: true,
                result: result)
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
