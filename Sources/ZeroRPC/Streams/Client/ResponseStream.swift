import Synchronization

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
    public static var creditWindow: Int { ResponseStreamCore.creditWindow }

    private enum Source: Sendable {
        case remote(ResponseStreamCore)
        case local([Element])
    }

    private let source: Source

    init(core: ResponseStreamCore) {
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
        case .remote(let core):
            AsyncIterator(kind: .remote(core, IterationScope(channel: core.channel)), consumer: .init())
        case .local(let elements): AsyncIterator(kind: .local(elements[...]), consumer: .init())
        }
    }

    /// Reads the stream's items; dropping it (e.g. by `break`) closes the stream.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline
        enum Kind {
            case remote(ResponseStreamCore, IterationScope)
            case local(ArraySlice<Element>)
        }

        @usableFromInline var kind: Kind
        /// What only the iterating task touches: no lock per item.
        @usableFromInline var consumer: StreamConsumer
        /// Items this task decoded where it received them (`ResponseStreamCore.receiveItself`).
        @usableFromInline var decoded = DecodedItems<Element>()

        init(kind: Kind, consumer: StreamConsumer) {
            self.kind = kind
            self.consumer = consumer
        }

        /// The next item, nil after `STREAM_DONE`.
        /// - Throws: `RemoteError` or a declared error sent by the server, `RPCError`
        ///   (`lostRemote`, `invalidResult`, `closed`), or `CancellationError`.
        // Inlinable so that an item already received costs the caller no suspension point
        // (no executor hop), and items are decoded by code specialized for `Element`.
        @inlinable
        public mutating func next() async throws -> Element? {
            switch kind {
            case .remote(let core, _):
                switch try nextAtHand(core) {
                case .item(let item): return item
                case .end: return nil
                case .none: return try await nextReceived(core)
                }
            case .local(var elements):
                let element = elements.popFirst()
                kind = .local(elements)
                return element
            }
        }

        /// What `nextAtHand` found.
        @usableFromInline
        enum AtHand {
            case item(Element)
            case end
            case none
        }

        /// The next item or the end, if already at hand: decoded in place, or buffered by
        /// the channel. Items decoded in place came before anything the channel buffers.
        @inlinable
        mutating func nextAtHand(_ core: ResponseStreamCore) throws -> AtHand {
            if !decoded.items.isEmpty {
                guard try core.admitDecodedItem(&consumer) else {
                    decoded.items.removeAll()
                    return .end
                }
                return .item(decoded.items.removeLast())
            }
            switch try core.step(&consumer) {
            case .item(let event): return .item(try core.decode(event, as: Element.self))
            case .end: return .end
            case .wait: return .none
            }
        }

        /// Nothing at hand: receives the next events on this task's thread when the
        /// client's I/O thread lets it, instead of suspending until that thread received
        /// and queued them; waits for the channel otherwise.
        @inlinable
        mutating func nextReceived(_ core: ResponseStreamCore) async throws -> Element? {
            while true {
                if let taken = core.receiveItself(takeItem: { decoded.append(decoding: $0) }) {
                    if taken > 0 { decoded.items.withUnsafeMutableBufferPointer { $0.reverse() } }
                } else {
                    switch try await core.awaitStep(&consumer) {
                    case .item(let event)?: return try core.decode(event, as: Element.self)
                    case .end?: return nil
                    case .wait?, nil: break
                    }
                }
                switch try nextAtHand(core) {
                case .item(let item): return item
                case .end: return nil
                case .none: continue
                }
            }
        }
    }
}

/// Closes a stream's channel when the loop iterating it ends, even if the stream value
/// itself lives on.
@usableFromInline
final class IterationScope: Sendable {
    let channel: ClientChannel

    init(channel: ClientChannel) { self.channel = channel }

    deinit { channel.release() }
}

/// The iterating task's side of a remote stream: the events it took from the channel in
/// one go and has not decoded yet, and the credit the server holds. Only that task
/// touches it, so the items of a burst cost no lock each.
@usableFromInline
struct StreamConsumer {
    /// The events taken from the channel and not handled yet, the oldest last: `pop`
    /// moves each out with `popLast`, where reading `batch[index]` copied it (four
    /// retains) and the batch released it later (four releases).
    var batch: [EventEnvelope] = []
    /// Credit the server holds: granted minus received (it starts with 1, as zerorpc).
    var reserved = 1

    mutating func pop() -> EventEnvelope? {
        batch.popLast()
    }

    /// Refills the batch from `channel` without waiting; false when nothing was buffered.
    /// Reversed through a buffer pointer, whose swaps move elements without retaining.
    mutating func refill(from channel: ClientChannel) -> Bool {
        channel.takeBuffered(into: &batch)
        batch.withUnsafeMutableBufferPointer { $0.reverse() }
        return !batch.isEmpty
    }
}

/// What the iterating task's next step found without waiting.
@usableFromInline
enum StreamStep {
    /// A `STREAM` event, to decode.
    case item(EventEnvelope)
    /// `STREAM_DONE`, or the stream was closed.
    case end
    /// Nothing buffered: wait for the channel.
    case wait
}

/// The items of a remote stream that its iterating task decoded where it received them
/// (`ClientLoop.leadChannel`): they come before anything its channel buffers. The oldest
/// is last, so `removeLast` moves each out.
@usableFromInline
struct DecodedItems<Element: MessagePackDecodable> {
    @usableFromInline var items: [Element] = []

    @inlinable init() {}

    /// Decodes one item from `bytes`, which are valid only during the call; false (nothing
    /// added) when they are not an `Element`, and the event takes the general path.
    @inlinable
    mutating func append(decoding bytes: UnsafeRawBufferPointer) -> Bool {
        var reader = MessagePackReader(transient: bytes)
        guard let item = try? reader.read(Element.self) else { return false }
        items.append(item)
        return true
    }
}

/// The shared state of a `ResponseStream`: its channel and whether it has ended (which
/// `close()` may set from another task). Not generic: only decoding an item needs the
/// element type, so the rest compiles once, fully specialized, in this module.
@usableFromInline
final class ResponseStreamCore: Sendable {
    static let creditWindow = 1000

    let channel: ClientChannel
    private let declaredErrors: [any DeclaredError.Type]
    private let isDone = Atomic<Bool>(false)

    init(channel: ClientChannel, declaredErrors: [any DeclaredError.Type]) {
        self.channel = channel
        self.declaredErrors = declaredErrors
    }

    /// The next step without waiting.
    @usableFromInline
    func step(_ consumer: inout StreamConsumer) throws -> StreamStep {
        guard try mayYield(&consumer) else { return .end }
        do {
            while let event = consumer.pop() ?? (consumer.refill(from: channel) ? consumer.pop() : nil) {
                if let step = try handle(event, &consumer) { return step }
            }
            return .wait
        } catch {
            close()
            throw error
        }
    }

    /// Lets the iterating task yield an item it decoded in place, as `step` would an
    /// item it took from the channel: false once the stream was closed.
    @usableFromInline
    func admitDecodedItem(_ consumer: inout StreamConsumer) throws -> Bool {
        guard try mayYield(&consumer) else { return false }
        consumer.reserved -= 1
        return true
    }

    /// What comes before yielding anything: false once the stream ended; a cancelled
    /// task closes it and throws `CancellationError`; credit is granted when low.
    private func mayYield(_ consumer: inout StreamConsumer) throws -> Bool {
        if isDone.load(ordering: .acquiring) { return false }
        if Task.isCancelled {
            close()
            throw CancellationError()
        }
        grantCreditIfLow(&consumer)
        return true
    }

    /// Receives the channel's next events on this thread when the client lets it
    /// (`ClientChannel.receiveItself`): how many plain items `takeItem` took, or nil
    /// when the task must wait (`awaitStep`).
    @usableFromInline
    func receiveItself(takeItem: (UnsafeRawBufferPointer) -> Bool) -> Int? {
        channel.receiveItself(takeItem: takeItem)
    }

    /// Waits for the channel's next event: its step, or nil for an event that yields
    /// nothing (a heartbeat).
    @usableFromInline
    func awaitStep(_ consumer: inout StreamConsumer) async throws -> StreamStep? {
        do {
            guard let event = try await channel.receive() else {
                end()
                return .end
            }
            return try handle(event, &consumer)
        } catch {
            close()
            throw error
        }
    }

    /// Asks for more (`_zpc_more`) once the server holds less than half a window.
    private func grantCreditIfLow(_ consumer: inout StreamConsumer) {
        let window = Self.creditWindow
        guard consumer.reserved < window / 2 else { return }
        let credit = window - consumer.reserved
        consumer.reserved = window
        channel.grantCredit(credit)
    }

    /// One event of the channel: `.item`, `.end`, or nil for an event that yields
    /// nothing (a heartbeat).
    private func handle(_ event: EventEnvelope, _ consumer: inout StreamConsumer) throws -> StreamStep? {
        switch event.kind {
        case .stream:
            consumer.reserved -= 1
            return .item(event)
        case .streamDone:
            end()
            return .end
        case .error:
            end()
            throw ReplyError.decode(event, declaredErrors: declaredErrors)
        case .heartbeat:
            return nil
        default:
            throw RPCError.protocolViolation("'\(channel.method)' sent '\(event.name)' in a stream")
        }
    }

    private func end() {
        isDone.store(true, ordering: .releasing)
    }

    /// `ResponseStream.close()`: ends the iteration and releases the channel.
    func close() {
        end()
        channel.release()
    }

    /// The item a `STREAM` event carries.
    @usableFromInline
    func decode<Element: MessagePackDecodable>(_ event: EventEnvelope, as: Element.Type) throws -> Element {
        var reader = event.argumentsReader()
        do {
            return try reader.read(Element.self)
        } catch {
            close()
            guard let error = error as? MessagePackDecodingError else { throw error }
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
