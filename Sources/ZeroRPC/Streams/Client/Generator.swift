/// The client side of a two-way generator (`-> generator<Y, S>`): step it with
/// ``next()``, ``send(_:)`` or ``throw(_:)``, end it with ``close()``.
///
/// ```swift
/// let totals = try await calculator.runningTotal()
/// _ = try await totals.next()          // starts the server's body, runs to its first yield
/// let five = try await totals.send(5)  // the server's `yield` returns 5
/// await totals.close()                 // cancels the handler; its cleanup has run
/// ```
///
/// Steps run in lock-step: each one lets the server yield exactly one value. It is also
/// an `AsyncSequence` of the yielded values (plain `next()` steps). Using it after
/// ``close()`` throws `GeneratorError.closed`; when the last reference goes away the
/// generator is closed (`_zpc_close`). `send` and `throw` need a server that announced
/// two-way generators; against a stock zerorpc server only `next()` works, like
/// iterating a stream.
///
/// ``init(method:body:)`` builds one that runs a body in this process instead of calling
/// a server: for tests and for mocks of a generated `ClientProtocol`.
public final class Generator<Yield: MessagePackDecodable & Sendable, Sent: MessagePackEncodable & Sendable>:
    AsyncSequence, Sendable
{
    private struct State {
        var isClosed = false
        var isFinished = false
        var isBusy = false
    }

    private enum Source: Sendable {
        /// A call's channel; what the server announced in its first event.
        case remote(ClientChannel, declaredErrors: [any DeclaredError.Type], serverExtensions: Set<String>)
        /// A body run in this process.
        case local(LocalGeneratorLink)
    }

    private let source: Source
    private let method: String
    private let state = LockedValue(State())

    init(channel: ClientChannel, declaredErrors: [any DeclaredError.Type], serverExtensions: Set<String>) {
        source = .remote(channel, declaredErrors: declaredErrors, serverExtensions: serverExtensions)
        method = channel.method
    }

    /// A generator that runs `body` in this process, as a server runs its handler, with
    /// no server behind it: for tests and for mocks of a generated `ClientProtocol`.
    ///
    /// The body gets the same ``GeneratorContext`` a service implementation gets, and the
    /// generator follows the same rules as a remote one: the body starts in a task of its
    /// own at the first step and runs to its first `yield`; each ``next()``,
    /// ``send(_:)`` or ``throw(_:)`` resumes it up to its next `yield` (`yield` returns
    /// nil, returns the sent value, or throws the `RemoteThrow`); ``close()`` cancels
    /// its task and returns once its cleanup has run; after it returned, steps return
    /// nil. What the body throws, a step throws, except that a `RemoteThrow` arrives as
    /// the `RemoteError` a real call gets. Values cross as msgpack, as on the wire.
    ///
    /// ```swift
    /// struct MockCalculator: Calculator.ClientProtocol {
    ///     func runningTotal(options: CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64> {
    ///         ZeroRPC.Generator(method: "calc.running_total") { generator in
    ///             var total: Int64 = 0
    ///             while true {
    ///                 do {
    ///                     total += try await generator.yield(total) ?? 0
    ///                 } catch let error as ZeroRPC.RemoteThrow where error.name == "Reset" {
    ///                     total = 0
    ///                 }
    ///             }
    ///         }
    ///     }
    ///     // …
    /// }
    /// ```
    ///
    /// A real service implementation can be the body, to test it without a socket:
    ///
    /// ```swift
    /// let totals = ZeroRPC.Generator<Int64, Int64>(method: "calc.running_total") { generator in
    ///     try await MyCalculator().runningTotal(
    ///         generator: generator, context: ZeroRPC.ServerContext(method: "calc.running_total"))
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - method: The name ``GeneratorError`` values carry, like the wire name of a
    ///     remote generator's method.
    ///   - body: The generator's body; it ends the generator by returning or throwing.
    public init(
        method: String = "local", body: @escaping @Sendable (GeneratorContext<Yield, Sent>) async throws -> Void
    ) where Yield: MessagePackEncodable, Sent: MessagePackDecodable {
        source = .local(LocalGeneratorLink(method: method) { link in try await body(GeneratorContext(link: link)) })
        self.method = method
    }

    deinit {
        switch source {
        case .remote(let channel, _, _): channel.release()
        case .local(let link): link.cancel()
        }
    }

    /// Resumes the generator; returns the next yielded value, nil once it has finished.
    /// - Throws: the error that ended the generator on the server, `RPCError`,
    ///   `GeneratorError`, or `CancellationError` (which also closes it).
    public func next() async throws -> Yield? {
        try await step(.next)
    }

    /// Resumes the generator with `value` (its `yield` returns it); returns the next
    /// yielded value, nil once it has finished.
    public func send(_ value: Sent) async throws -> Yield? {
        try requireTwoWayGenerator("send")
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        writer.write(value)
        return try await step(.send(writer.bytes))
    }

    /// Throws `error` into the generator at its `yield`; returns the value it yields
    /// next if it caught the error, nil if it finished; rethrows what it ended with.
    public func `throw`(_ error: RemoteThrow) async throws -> Yield? {
        try requireTwoWayGenerator("throw")
        return try await step(.throw(error))
    }

    /// Runs `body` with the generator and closes it when `body` returns or throws: the
    /// scoped form the generated `x(...) { generator in … }` methods use.
    public func closing<BodyResult>(
        isolation: isolated (any Actor)? = #isolation, after body: (Generator<Yield, Sent>) async throws -> BodyResult
    ) async throws -> BodyResult {
        try await runThenClose(isolation: isolation, { try await body(self) }, close: close)
    }

    /// Closes the generator: the server cancels the handler and, on a zerorpc-swift
    /// server, this returns once the handler's cleanup has run. Calling it again is
    /// harmless.
    public func close() async {
        let (wasClosed, wasFinished, wasBusy) = state.withLock { state in
            defer { state.isClosed = true }
            return (state.isClosed, state.isFinished, state.isBusy)
        }
        if wasClosed { return }
        switch source {
        case .remote(let channel, _, let serverExtensions):
            if !wasFinished && !wasBusy && serverExtensions.contains(ProtocolExtension.generator) {
                channel.send(EventName.close, arguments: StreamEvents.closeArguments)
                while let event = try? await channel.receive(), !event.kind.endsChannel {}
            }
            channel.release()
        case .local(let link):
            await link.close()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(generator: self)
    }

    /// Plain iteration: each step is a `next()`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let generator: Generator

        public mutating func next() async throws -> Yield? {
            try await generator.next()
        }
    }

    private func requireTwoWayGenerator(_ operation: String) throws {
        guard case .remote(_, _, let serverExtensions) = source else { return }
        guard serverExtensions.contains(ProtocolExtension.generator) else {
            throw GeneratorError.unsupportedByServer(method: method, operation: operation)
        }
    }

    /// Takes one step, unless the generator is closed, finished or busy.
    private func step(_ step: GeneratorStep) async throws -> Yield? {
        let method = method
        let proceed = try state.withLock { state throws(GeneratorError) -> Bool in
            if state.isClosed { throw .closed(method: method) }
            if state.isFinished { return false }
            if state.isBusy { throw .concurrentUse(method: method) }
            state.isBusy = true
            return true
        }
        guard proceed else { return nil }
        var finished = true
        defer {
            state.withLock { state in
                state.isBusy = false
                if finished { state.isFinished = true }
            }
        }
        let value: Yield?
        switch source {
        case .remote(let channel, let declaredErrors, _):
            value = try await Self.remoteStep(step, channel: channel, declaredErrors: declaredErrors)
        case .local(let link):
            value = try await Self.localStep(step, link: link)
        }
        finished = value == nil
        return value
    }

    /// Sends one step event and reads the one reply event it allows.
    private static func remoteStep(
        _ step: GeneratorStep, channel: ClientChannel, declaredErrors: [any DeclaredError.Type]
    ) async throws -> Yield? {
        let method = channel.method
        switch step {
        case .next: channel.send(EventName.more, arguments: StreamEvents.moreArguments(1))
        case .send(let arguments): channel.send(EventName.send, arguments: arguments)
        case .throw(let error): channel.send(EventName.throw, arguments: error.encodedArguments)
        }
        while let event = try await channel.receive() {
            switch event.kind {
            case .stream:
                var reader = event.argumentsReader()
                do {
                    return try reader.read(Yield.self)
                } catch let error as MessagePackDecodingError {
                    channel.release()
                    throw RPCError.invalidResult(method: method, reason: error.description)
                }
            case .streamDone:
                return nil
            case .error:
                throw ReplyError.decode(event, declaredErrors: declaredErrors)
            case .heartbeat:
                continue
            default:
                channel.release()
                throw RPCError.protocolViolation("'\(method)' sent '\(event.name)' in a generator")
            }
        }
        return nil
    }

    /// Hands one step to the local body and decodes what it yields.
    private static func localStep(_ step: GeneratorStep, link: LocalGeneratorLink) async throws -> Yield? {
        switch await link.exchange(step) {
        case .yielded(let bytes):
            var reader = MessagePackReader(bytes: bytes)
            do {
                return try reader.read(Yield.self)
            } catch let error as MessagePackDecodingError {
                link.cancel()
                throw RPCError.invalidResult(method: link.method, reason: error.description)
            }
        case .finished:
            return nil
        case .failed(let error):
            throw error
        }
    }
}
