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
    let sink: StreamSink

    init(sink: StreamSink) {
        self.sink = sink
    }

    /// Yields `value` to the client and waits for its next step.
    /// - Returns: the value the client sent, or nil for a plain `next()`.
    /// - Throws: `RemoteThrow` from the client's `throw`, `CancellationError` when it
    ///   closed the generator or was lost, a decoding error for a sent value of the
    ///   wrong type.
    public func yield(_ value: Yield) async throws -> Sent? {
        try Task.checkCancellation()
        sink.emit(StreamEvents.item(value, responseTo: sink.channelID))
        switch try await sink.inbox.nextStep() {
        case .next:
            return nil
        case .throw(let error):
            throw error
        case .send(let event):
            var reader = MessagePackReader(payload: event.payload, startingAt: event.argumentsRange.lowerBound)
            do {
                guard try reader.readArrayHeader() >= 1, !reader.readNilIfPresent() else { return nil }
                return try reader.read(Sent.self)
            } catch let error as MessagePackDecodingError {
                throw ArgumentError(message: "\(sink.method)(): sent value: \(error)")
            }
        }
    }
}
