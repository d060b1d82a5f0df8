/// A handle to a call that may outlive its responsiveness budget: the result of a
/// `startX` method (or ``Client/startDeferred(_:options:declaredErrors:arguments:result:)``),
/// or of `resumeX(token:)` in any process.
///
/// ```swift
/// let job = try await calculator.startFactor(n: 600_851_475_143)
/// print(job.token?.text ?? "already done")        // hand the token to anyone
/// if case .running(let progress, let message) = try await job.status() { … }
/// if let factors = try await job.poll() { … }     // does not wait for the job
/// let factors = try await job.result()            // waits (long polls)
/// _ = try await job.cancel()                      // cancels the server's task
/// ```
///
/// Two ways to wait:
/// - ``value``: the automatic mode the plain generated method (`factor(n:)`) uses.
///   Cancelling the awaiting task also cancels the job on the server.
/// - ``result()``: the manual mode. Cancelling the awaiting task only stops waiting;
///   the job runs on and its token stays valid.
///
/// Both poll with `_zpc_result [token, wait_ms]`, a long poll the server answers as soon
/// as the job ends (or after at most 10 s, or ¾ of the call timeout), never a busy loop.
/// The call timeout applies to each poll, never to the whole job. Once the result (or
/// the job's error) has arrived, the handle keeps it, so reading it again sends nothing,
/// and the server is told (`_zpc_ack`) that its entry may go.
public struct Deferred<Result: Sendable>: Sendable {
    /// The token the server answered with, or nil when the call finished within its
    /// budget (or the handle was built from a value).
    public let token: DeferredToken?
    private let remote: Remote?
    private let outcome: LockedValue<Swift.Result<Result, any Error>?>

    struct Remote: Sendable {
        let client: Client
        let method: String
        let options: CallOptions
        let declaredErrors: [any DeclaredError.Type]
        let decode: @Sendable (inout MessagePackReader) throws -> Result
    }

    /// A handle that already holds `result`, with no token: what a call finished within
    /// its budget returns, and what tests can hand to code expecting a `Deferred`.
    public init(result: Result) {
        token = nil
        remote = nil
        outcome = LockedValue(.success(result))
    }

    /// A handle that already failed with `error`, for tests.
    public init(failure error: any Error) {
        token = nil
        remote = nil
        outcome = LockedValue(.failure(error))
    }

    init(token: DeferredToken, remote: Remote) {
        self.token = token
        self.remote = remote
        outcome = LockedValue(nil)
    }

    /// Waits for the result, automatic mode: long polls until the job ends; if the
    /// awaiting task is cancelled, the job is cancelled on the server too.
    ///
    /// - Throws: The job's error (a declared error, `RemoteError`), or
    ///   `RPCError.deferredCancelled`, `.expired`, `.deferredNotFound`, a timeout of one
    ///   poll, `CancellationError`.
    public var value: Result {
        get async throws { try await wait(cancelsJob: true) }
    }

    /// Waits for the result, manual mode: long polls until the job ends; cancelling the
    /// awaiting task stops the wait only (the job goes on and ``token`` stays valid).
    ///
    /// - Throws: As ``value``.
    public func result() async throws -> Result {
        try await wait(cancelsJob: false)
    }

    /// Asks once whether the result is there, without waiting for the job (pyrpc's `nb_`
    /// style): the result, or nil while the job runs.
    ///
    /// - Throws: The job's error, or why there is no result, as ``value``.
    public func poll() async throws -> Result? {
        if let known = outcome.withLock({ $0 }) { return try known.get() }
        guard let token, let remote else { return nil }
        guard
            let answer = try await remote.client.pollDeferred(
                token, wait: .zero, method: remote.method, options: remote.options,
                declaredErrors: remote.declaredErrors, result: remote.decode)
        else { return nil }
        return try keep(answer).get()
    }

    /// Where the job stands: pending, running (with its last progress report), done,
    /// failed, cancelled or expired.
    ///
    /// - Throws: `RPCError.deferredNotFound` when the server knows no such token (for
    ///   example once the result was claimed), or a call error.
    public func status() async throws -> DeferredStatus {
        if let known = outcome.withLock({ $0 }) {
            switch known {
            case .success: return .done
            case .failure(RPCError.deferredCancelled): return .cancelled
            case .failure(let error as RemoteError): return .failed(name: error.name, message: error.message)
            case .failure(let error as any DeclaredError):
                return .failed(name: type(of: error).wireName, message: String(describing: error))
            case .failure(let error): return .failed(name: String(describing: type(of: error)), message: "\(error)")
            }
        }
        guard let token, let remote else { return .done }
        let reply = try await remote.client.deferredRequest(DeferredWire.status, token: token, options: remote.options)
        switch reply.kind {
        case .ok:
            let value = try Client.decodeOK(reply, method: DeferredWire.status) { try $0.read(MessagePackValue.self) }
            guard let status = DeferredWire.decodeStatus(value) else {
                throw RPCError.protocolViolation("'\(DeferredWire.status)' answered with \(value)")
            }
            return status
        case .error:
            let error = ReplyError.decode(reply, declaredErrors: [])
            if (error as? RemoteError)?.name == DeferredWire.ErrorName.notFound {
                throw RPCError.deferredNotFound(token)
            }
            throw error
        default:
            throw RPCError.protocolViolation("'\(DeferredWire.status)' answered with unknown event '\(reply.name)'")
        }
    }

    /// Asks the server to cancel the job: its handler task is cancelled and the entry
    /// ends ``DeferredStatus/cancelled``. Returns true when the job was still running,
    /// false when it had already ended (or the server does not know the token).
    @discardableResult
    public func cancel() async throws -> Bool {
        guard let token, let remote else { return false }
        if outcome.withLock({ $0 }) != nil { return false }
        let reply = try await remote.client.deferredRequest(DeferredWire.cancel, token: token, options: remote.options)
        switch reply.kind {
        case .ok: return try Client.decodeOK(reply, method: DeferredWire.cancel) { try $0.readBool() }
        case .error: throw ReplyError.decode(reply, declaredErrors: [])
        default:
            throw RPCError.protocolViolation("'\(DeferredWire.cancel)' answered with unknown event '\(reply.name)'")
        }
    }

    private func wait(cancelsJob: Bool) async throws -> Result {
        if let known = outcome.withLock({ $0 }) { return try known.get() }
        guard let token, let remote else {
            throw RPCError.protocolViolation("a deferred handle with neither a result nor a token")
        }
        let wait = Client.longPollWait(for: remote.options)
        do {
            while true {
                try Task.checkCancellation()
                if let answer = try await remote.client.pollDeferred(
                    token, wait: wait, method: remote.method, options: remote.options,
                    declaredErrors: remote.declaredErrors, result: remote.decode)
                {
                    return try keep(answer).get()
                }
            }
        } catch is CancellationError where cancelsJob && Task.isCancelled {
            let client = remote.client
            Task { _ = try? await client.deferredRequest(DeferredWire.cancel, token: token, options: .defaults) }
            throw CancellationError()
        }
    }

    /// Keeps the first final answer, so later reads agree and send nothing.
    private func keep(_ answer: Swift.Result<Result, any Error>) -> Swift.Result<Result, any Error> {
        outcome.withLock { kept in
            if let kept { return kept }
            kept = answer
            return answer
        }
    }
}
