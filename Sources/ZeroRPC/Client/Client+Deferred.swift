extension CallOptions {
    /// The responsiveness budget `startX` (``Client/startDeferred(_:options:declaredErrors:arguments:result:)``)
    /// sends when `deferAfter` is nil: 100 ms. A call that finishes sooner is answered in
    /// full; a longer one returns a token after about this long.
    public static let defaultDeferredBudget: Duration = .milliseconds(100)
}

extension Client {
    /// Starts a call with a responsiveness budget and returns a handle to it: the
    /// `startX` methods generated for `@deferred` IDL methods call this.
    ///
    /// The request carries header key `"deferred"` with `options.deferAfter` (or
    /// ``CallOptions/defaultDeferredBudget`` when that is nil). A call the server finishes
    /// within the budget returns a handle that already holds its result (its
    /// ``Deferred/token`` is nil); otherwise the handle holds the token the server
    /// answered with, which any client can ``resumeDeferred(_:declaredErrors:result:)``.
    ///
    /// ```swift
    /// let job = try await client.startDeferred(
    ///     "calc.factor", options: .defaults, declaredErrors: [],
    ///     arguments: { $0.writeArrayHeader(1); $0.write(Int64(600_851_475_143)) },
    ///     result: { try $0.read([Int64].self) })
    /// let factors = try await job.value
    /// ```
    ///
    /// - Throws: What the plain call would throw if it fails within the budget
    ///   (`RPCError`, `RemoteError`, a declared error, `CancellationError`).
    public func startDeferred<Result: Sendable>(
        _ method: String,
        options: CallOptions,
        declaredErrors: [any DeclaredError.Type],
        arguments: (inout MessagePackWriter) -> Void,
        result: @escaping @Sendable (inout MessagePackReader) throws -> Result
    ) async throws -> Deferred<Result> {
        let options = withDefaults(options)  // issue 14: ClientOptions.defaultCallOptions
        let budget = options.deferAfter ?? CallOptions.defaultDeferredBudget
        let reply = try await request(method, options: options, budget: budget, arguments: arguments)
        switch reply.kind {
        case .ok:
            return Deferred(result: try Self.decodeOK(reply, method: method, result: result))
        case .error:
            throw ReplyError.decode(reply, declaredErrors: declaredErrors)
        case .deferred:
            let token = try Self.deferredToken(in: reply, method: method)
            return Deferred(
                token: token,
                remote: .init(
                    client: self, method: method, options: options, declaredErrors: declaredErrors, decode: result))
        default:
            throw RPCError.protocolViolation("'\(method)' answered with unexpected event '\(reply.name)'")
        }
    }

    /// A handle to a deferred call started elsewhere, perhaps by another process: the
    /// `resumeX` methods generated for `@deferred` IDL methods call this.
    ///
    /// Nothing is sent until the handle is used. Its requests go to this client's
    /// servers, so with a `MemoryResultStore` the client must reach the server that
    /// issued the token (``DeferredToken/issuer``); servers sharing a `SQLiteResultStore`
    /// file can each answer it.
    public func resumeDeferred<Result: Sendable>(
        _ token: DeferredToken,
        declaredErrors: [any DeclaredError.Type],
        result: @escaping @Sendable (inout MessagePackReader) throws -> Result
    ) -> Deferred<Result> {
        Deferred(
            token: token,
            remote: .init(
                client: self, method: DeferredWire.result, options: .defaults, declaredErrors: declaredErrors,
                decode: result))
    }

    // MARK: - Internals shared with `unary`

    /// The token of a `DEFERRED [token]` event.
    static func deferredToken(in reply: EventEnvelope, method: String) throws -> DeferredToken {
        guard let token = DeferredWire.token(in: reply) else {
            throw RPCError.protocolViolation("'\(method)' answered DEFERRED without a valid token")
        }
        return token
    }

    /// Sends one `_zpc_*` request about `token` on a channel of its own.
    func deferredRequest(
        _ name: String, token: DeferredToken, extra: [MessagePackValue] = [], options: CallOptions
    ) async throws -> EventEnvelope {
        var options = options
        options.deferAfter = nil
        // To the server that issued the token, when this client has seen it answer.
        let connection = peers.connection(forIssuer: token.issuer)
        return try await request(name, options: options, budget: nil, connection: connection) { writer in
            writer.writeArrayHeader(1 + extra.count)
            writer.write(token)
            for value in extra { writer.write(value) }
        }
    }

    /// How long one `_zpc_result` long poll asks the server to wait: below the call
    /// timeout (which bounds each poll) and at most 10 s.
    static func longPollWait(for options: CallOptions) -> Duration {
        min(DeferredWire.maximumWait, options.timeout * 3 / 4)
    }

    /// Asks for the result once, waiting up to `wait` on the server. Nil means the
    /// call is still running. A final answer (result or the job's error) is acknowledged
    /// unawaited so the server may drop the entry.
    func pollDeferred<Result>(
        _ token: DeferredToken, wait: Duration, method: String, options: CallOptions,
        declaredErrors: [any DeclaredError.Type], result: (inout MessagePackReader) throws -> Result
    ) async throws -> Swift.Result<Result, any Error>? {
        let waitMilliseconds = Int64(max(wait, .zero).wholeMilliseconds)
        let reply = try await deferredRequest(
            DeferredWire.result, token: token, extra: [.int(waitMilliseconds)], options: options)
        let answer: Swift.Result<Result, any Error>
        switch reply.kind {
        case .deferred:
            return nil
        case .ok:
            answer = .success(try Self.decodeOK(reply, method: method, result: result))
        case .error:
            let error = ReplyError.decode(reply, declaredErrors: declaredErrors)
            switch (error as? RemoteError)?.name {
            case DeferredWire.ErrorName.notFound: throw RPCError.deferredNotFound(token)
            case DeferredWire.ErrorName.expired: throw RPCError.expired(token)
            case DeferredWire.ErrorName.cancelled: answer = .failure(RPCError.deferredCancelled(token))
            case "NameError", "ResultStoreError": throw error  // the server cannot answer, not the job's error
            default: answer = .failure(error)
            }
        default:
            throw RPCError.protocolViolation("'\(DeferredWire.result)' answered with unknown event '\(reply.name)'")
        }
        acknowledgeUnawaited(token)
        return answer
    }

    /// Polls until the deferred call ends. With `cancelsJob`, a cancelled calling task
    /// also cancels the server's job (`_zpc_cancel`, sent unawaited).
    func awaitDeferred<Result>(
        _ token: DeferredToken, method: String, options: CallOptions, declaredErrors: [any DeclaredError.Type],
        cancelsJob: Bool, result: (inout MessagePackReader) throws -> Result
    ) async throws -> Result {
        let wait = Self.longPollWait(for: options)
        let started = ContinuousClock.now
        do {
            while true {
                try Task.checkCancellation()
                if let answer = try await pollDeferred(
                    token, wait: wait, method: method, options: options, declaredErrors: declaredErrors,
                    result: result)
                {
                    return try answer.get()
                }
            }
        } catch RPCError.timeout(let polled, _) where polled == DeferredWire.result {
            // A poll ran into the caller's deadline: name the caller's method, not the
            // protocol request.
            throw RPCError.timeout(method: method, after: started.duration(to: .now))
        } catch is CancellationError where cancelsJob && Task.isCancelled {
            Task { [self] in _ = try? await deferredRequest(DeferredWire.cancel, token: token, options: .defaults) }
            throw CancellationError()
        }
    }

    private func acknowledgeUnawaited(_ token: DeferredToken) {
        Task { [self] in _ = try? await deferredRequest(DeferredWire.ack, token: token, options: .defaults) }
    }
}
