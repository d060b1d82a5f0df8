/// The server side of a two-way generator (`-> generator<Y, S>`).
///
/// ```swift
/// func runningTotal(generator: ZeroRPC.GeneratorContext<Int64, Int64>, context: ZeroRPC.ServerContext) async throws {
///     var total: Int64 = 0
///     defer { print("closed or finished") }      // runs on close, too
///     while true {
///         let sent = try await generator.yield(total)  // nil for a plain next()
///         total += sent ?? 0
///     }
/// }
/// ```
///
/// The body starts at the client's first step. Each ``yield(_:)`` sends one value and
/// waits for the client's next step: `next()` resumes it with nil, `send(v)` with `v`,
/// `throw(e)` makes it throw `RemoteThrow` (catch it to go on; let it escape to end the
/// call with that error). `close()` cancels the handler task, so `yield` throws
/// `CancellationError` and cleanup (`defer`) runs. Returning ends the generator.
public struct GeneratorContext<Yield: MessagePackEncodable, Sent: MessagePackDecodable>: Sendable {
    private enum Backend: Sendable {
        /// A call's channel on the server.
        case remote(StreamSink)
        /// The body of a local `Generator(method:body:)`.
        case local(LocalGeneratorLink)
    }

    private let backend: Backend

    init(sink: StreamSink) {
        backend = .remote(sink)
    }

    init(link: LocalGeneratorLink) {
        backend = .local(link)
    }

    /// Yields `value` to the client and waits for its next step.
    /// - Returns: the value the client sent, or nil for a plain `next()`.
    /// - Throws: `RemoteThrow` from the client's `throw`, `CancellationError` when it
    ///   closed the generator or was lost, a decoding error for a sent value of the
    ///   wrong type.
    public func yield(_ value: Yield) async throws -> Sent? {
        try Task.checkCancellation()
        switch backend {
        case .remote(let sink):
            sink.emit(value)
            switch try await sink.inbox.nextStep() {
            case .next:
                return nil
            case .throw(let error):
                throw error
            case .send(let event):
                var reader = event.argumentsReader()
                return try Self.sentValue(from: &reader, method: sink.method)
            }
        case .local(let link):
            var writer = MessagePackWriter()
            writer.write(value)
            switch try await link.yield(writer.bytes) {
            case .next:
                return nil
            case .throw(let error):
                throw error
            case .send(let arguments):
                var reader = MessagePackReader(bytes: arguments)
                return try Self.sentValue(from: &reader, method: link.method)
            }
        }
    }

    /// Decodes the args `[value]` of a send; a nil value reads as a plain `next()`.
    private static func sentValue(from reader: inout MessagePackReader, method: String) throws -> Sent? {
        do {
            guard try reader.readArrayHeader() >= 1, !reader.readNilIfPresent() else { return nil }
            return try reader.read(Sent.self)
        } catch let error as MessagePackDecodingError {
            throw ArgumentError(message: "\(method)(): sent value: \(error)")
        }
    }
}
