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
public final class Generator<Yield: MessagePackDecodable & Sendable, Sent: MessagePackEncodable & Sendable>:
    AsyncSequence, Sendable
{
    private struct State {
        var isClosed = false
        var isFinished = false
        var isBusy = false
    }

    private let channel: ClientChannel
    private let declaredErrors: [any DeclaredError.Type]
    /// What the server announced in its first event.
    private let serverExtensions: Set<String>
    private let state = LockedValue(State())

    init(channel: ClientChannel, declaredErrors: [any DeclaredError.Type], serverExtensions: Set<String>) {
        self.channel = channel
        self.declaredErrors = declaredErrors
        self.serverExtensions = serverExtensions
    }

    deinit {
        channel.release()
    }

    /// Resumes the generator; returns the next yielded value, nil once it has finished.
    /// - Throws: the error that ended the generator on the server, `RPCError`,
    ///   `GeneratorError`, or `CancellationError` (which also closes it).
    public func next() async throws -> Yield? {
        try await step("_zpc_more", arguments: StreamEvents.moreArguments(1))
    }

    /// Resumes the generator with `value` (its `yield` returns it); returns the next
    /// yielded value, nil once it has finished.
    public func send(_ value: Sent) async throws -> Yield? {
        try requireGeneratorExtension("send")
        var writer = MessagePackWriter()
        writer.writeArrayHeader(1)
        writer.write(value)
        return try await step("_zpc_send", arguments: writer.bytes)
    }

    /// Throws `error` into the generator at its `yield`; returns the value it yields
    /// next if it caught the error, nil if it finished; rethrows what it ended with.
    public func `throw`(_ error: RemoteThrow) async throws -> Yield? {
        try requireGeneratorExtension("throw")
        return try await step("_zpc_throw", arguments: error.encodedArguments)
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
        if !wasFinished && !wasBusy && serverExtensions.contains(ProtocolExtension.generator) {
            channel.send("_zpc_close", arguments: StreamEvents.closeArguments)
            while let event = try? await channel.receive(), !StreamEvents.isTerminal(event.name) {}
        }
        channel.release()
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

    private func requireGeneratorExtension(_ operation: String) throws {
        guard serverExtensions.contains(ProtocolExtension.generator) else {
            throw GeneratorError.unsupportedByServer(method: channel.method, operation: operation)
        }
    }

    /// Sends one step event and reads the one reply event it allows.
    private func step(_ name: String, arguments: [UInt8]) async throws -> Yield? {
        let method = channel.method
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
        channel.send(name, arguments: arguments)
        while let event = try await channel.receive() {
            switch event.name {
            case "STREAM":
                var reader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
                do {
                    let value = try reader.read(Yield.self)
                    finished = false
                    return value
                } catch let error as MessagePackDecodingError {
                    channel.release()
                    throw RPCError.invalidResult(method: method, reason: error.description)
                }
            case "STREAM_DONE":
                return nil
            case "ERR":
                throw ReplyError.decode(event, declaredErrors: declaredErrors)
            case "_zpc_hb":
                continue
            default:
                channel.release()
                throw RPCError.protocolViolation("'\(method)' sent '\(event.name)' in a generator")
            }
        }
        return nil
    }
}
