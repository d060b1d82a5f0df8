/// The server side of a stream method (`-> stream T`): the handler writes items, and
/// returning ends the stream.
///
/// ```swift
/// func count(to: Int64, stream: ZeroRPC.StreamWriter<Int64>, context: ZeroRPC.ServerContext) async throws {
///     for n in 1...to { try await stream.write(n) }
/// }
/// ```
///
/// `write` suspends while the client has granted no credit (`_zpc_more`), so a fast
/// producer never runs ahead of a slow consumer by more than its credit window. When
/// the client closes the stream or is lost, the handler task is cancelled and `write`
/// throws `CancellationError`. Returning sends `STREAM_DONE`; throwing sends `ERR` after
/// the items already written.
public struct StreamWriter<Element: MessagePackEncodable>: Sendable {
    @usableFromInline let sink: StreamSink

    init(sink: StreamSink) {
        self.sink = sink
    }

    /// Sends `item` as one `STREAM` event, waiting for credit first.
    ///
    /// `nonisolated(nonsending)`: it runs on the executor of the code that calls it.
    /// - Throws: `CancellationError` when the client closed the stream or was lost.
    // Inlinable so that writing with credit on hand (the usual case while the client
    // keeps up) is a plain call with no suspension point. Non-sending so that it has no
    // executor hop either: a plain `async` function starts with a hop to the generic
    // executor, and inlined into the handler's loop that hop ran for every item, a
    // `swift_task_switch` that looks the runner's executor preference up under the
    // task's status lock (~210 of a stream item's 4,889 server instructions).
    @inlinable
    nonisolated(nonsending) public func write(_ item: Element) async throws {
        if try !sink.emitIfCredited(item) {
            try await sink.emitWhenCredited(item)
        }
    }

    /// Sends every item of `items` in order, on the executor of the code that calls it.
    nonisolated(nonsending) public func write<Items: Sequence>(contentsOf items: Items) async throws
    where Items.Element == Element {
        for item in items { try await write(item) }
    }
}
