/// The items of a server stream (`-> stream T`), as an `AsyncSequence`.
///
/// ```swift
/// for try await n in try await calculator.count(to: 10) {
///     print(n)
/// }
/// ```
///
/// Iterating grants the server credit in batches (`_zpc_more`, a window of
/// ``creditWindow`` items, as stock zerorpc does), so a fast server never sends more than
/// the consumer is ready to hold. Breaking out of the loop, dropping the stream or
/// cancelling the iterating task closes the channel (`_zpc_close`), and a zerorpc-swift
/// server cancels the handler. An `ERR` from the server is thrown after the items sent
/// before it; a server that stops heartbeating ends the iteration with
/// `RPCError.lostRemote`. A stream is iterated once.
public struct ResponseStream<Element: MessagePackDecodable & Sendable>: AsyncSequence, Sendable {
    /// How many items the client lets the server send ahead of the consumer: 1,000, so
    /// a fast stream asks for more (`_zpc_more`) every 500 items, not every 50. A
    /// zerorpc-swift server keeps at most `10_000` items of credit whatever a client
    /// grants; stock zerorpc clients grant 100.
    public static var creditWindow: Int { 1000 }

    private enum Source: Sendable {
        case remote(ResponseStreamCore<Element>)
        case local([Element])
    }

    private let source: Source

    init(core: ResponseStreamCore<Element>) {
        source = .remote(core)
    }

    /// A stream that yields `elements` and ends, with no server behind it: for tests and
    /// for mocks of a generated `ClientProtocol`.
    ///
    /// ```swift
    /// func count(to: Int64, options: CallOptions) async throws -> ResponseStream<Int64> {
    ///     ResponseStream(1...to)
    /// }
    /// ```
    public init(_ elements: some Sequence<Element>) {
        source = .local(Array(elements))
    }

    /// Closes the stream now: a zerorpc-swift server cancels the handler (`_zpc_close`),
    /// and iterating ends (`next()` returns nil). Harmless when it already ended.
    ///
    /// Without it, the stream closes when its iterator and the stream itself are
    /// released — which Swift does at a time of its choosing, and in an executable's
    /// top-level code possibly only when the process exits. Close explicitly, or use the
    /// scoped form (`try await calc.count(to: 5) { stream in … }`, or
    /// ``closing(isolation:after:)``), when the server should stop at a known point.
    public func close() async {
        guard case .remote(let core) = source else { return }
        core.close()
    }

    /// Runs `body` with the stream and closes it when `body` returns or throws, however
    /// the iteration ended: the scoped form the generated `x(...) { stream in … }`
    /// methods use.
    public func closing<BodyResult>(
        isolation: isolated (any Actor)? = #isolation, after body: (ResponseStream<Element>) async throws -> BodyResult
    ) async throws -> BodyResult {
        try await runThenClose(isolation: isolation, { try await body(self) }, close: close)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .remote(let core): AsyncIterator(kind: .remote(core, IterationScope(channel: core.channel)))
        case .local(let elements): AsyncIterator(kind: .local(elements[...]))
        }
    }

    /// Reads the stream's items; dropping it (e.g. by `break`) closes the stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        enum Kind {
            case remote(ResponseStreamCore<Element>, IterationScope)
            case local(ArraySlice<Element>)
        }

        var kind: Kind

        /// The next item, nil after `STREAM_DONE`.
        /// - Throws: `RemoteError` or a declared error sent by the server, `RPCError`
        ///   (`lostRemote`, `invalidResult`, `closed`), or `CancellationError`.
        public mutating func next() async throws -> Element? {
            switch kind {
            case .remote(let core, _):
                return try await core.next()
            case .local(var elements):
                let element = elements.popFirst()
                kind = .local(elements)
                return element
            }
        }
    }
}

/// Closes a stream's channel when the loop iterating it ends, even if the stream value
/// itself lives on.
final class IterationScope: Sendable {
    let channel: ClientChannel

    init(channel: ClientChannel) { self.channel = channel }

    deinit { channel.release() }
}

/// The shared state of a `ResponseStream`: its channel, the credit it granted, and
/// whether it has ended.
final class ResponseStreamCore<Element: MessagePackDecodable & Sendable>: Sendable {
    private struct State {
        /// Credit the server holds: granted minus received (it starts with 1).
        var reserved = 1
        var isDone = false
    }

    let channel: ClientChannel
    private let declaredErrors: [any DeclaredError.Type]
    private let state = LockedValue(State())

    init(channel: ClientChannel, declaredErrors: [any DeclaredError.Type]) {
        self.channel = channel
        self.declaredErrors = declaredErrors
    }

    func next() async throws -> Element? {
        let window = ResponseStream<Element>.creditWindow
        let grant: Int? = state.withLock { state in
            guard !state.isDone, state.reserved < window / 2 else { return nil }
            let credit = window - state.reserved
            state.reserved += credit
            return credit
        }
        if state.withLock({ $0.isDone }) { return nil }
        if Task.isCancelled {
            end()
            channel.release()
            throw CancellationError()
        }
        if let grant { channel.send("_zpc_more", arguments: StreamEvents.moreArguments(grant)) }
        do {
            while true {
                let received: EventEnvelope?
                if let buffered = channel.receiveIfBuffered() {
                    received = buffered
                } else {
                    received = try await channel.receive()
                }
                guard let event = received else {
                    end()
                    return nil
                }
                switch event.name {
                case "STREAM":
                    state.withLock { $0.reserved -= 1 }
                    return try decode(event)
                case "STREAM_DONE":
                    end()
                    return nil
                case "ERR":
                    end()
                    throw ReplyError.decode(event, declaredErrors: declaredErrors)
                case "_zpc_hb":
                    continue
                default:
                    throw RPCError.protocolViolation("'\(channel.method)' sent '\(event.name)' in a stream")
                }
            }
        } catch {
            end()
            channel.release()
            throw error
        }
    }

    private func end() {
        state.withLock { $0.isDone = true }
    }

    /// `ResponseStream.close()`: ends the iteration and releases the channel.
    func close() {
        end()
        channel.release()
    }

    private func decode(_ event: EventEnvelope) throws -> Element {
        var reader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
        do {
            return try reader.read(Element.self)
        } catch let error as MessagePackDecodingError {
            throw RPCError.invalidResult(method: channel.method, reason: error.description)
        }
    }
}

/// Runs `body`, then `close`, whether `body` returned or threw: the scoped stream and
/// generator forms (`ResponseStream.closing(after:)`, `Generator.closing(after:)`).
func runThenClose<BodyResult>(
    isolation: isolated (any Actor)?, _ body: () async throws -> BodyResult, close: () async -> Void
) async throws -> BodyResult {
    do {
        let result = try await body()
        await close()
        return result
    } catch {
        await close()
        throw error
    }
}
