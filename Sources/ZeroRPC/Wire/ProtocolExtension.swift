/// The protocol extensions zerorpc-swift peers announce to each other in header key
/// `"ext"` (an array of these names). Stock zerorpc peers never send `ext` and never
/// receive it, so every extension stays off with them.
///
/// Our client puts `"ext": ProtocolExtension.all` in every request header; our server,
/// only when the request carried `ext`, answers with its own list in its first reply on
/// that channel (for stream, generator and deferred calls in an immediate `_zpc_hb`).
enum ProtocolExtension {
    /// The server honours header `"oneway": true`: it sends no `OK` for a one-way call.
    static let oneway = "oneway"
    /// The responsiveness budget (header `"deferred": ms`), `DEFERRED [token]` and the
    /// `_zpc_result` / `_zpc_status` / `_zpc_cancel` / `_zpc_ack` events.
    static let deferred = "deferred"
    /// Two-way generators: `_zpc_send` and `_zpc_throw`, lock-step credit.
    static let generator = "generator"
    /// `_zpc_close` on a channel cancels exactly that call's handler.
    static let close = "close"
    /// The client reads several events from one message: whole events back to back in
    /// its payload (16 KiB at most), each with its own header — a stream's items
    /// (`StreamOutbox.batchLimit`), or replies ending several calls (`HeldReplies`).
    /// Announced by the client; the server batches only for a client that announced it.
    static let batch = "batch"

    /// Everything this version of zerorpc-swift speaks, in the order it is announced.
    static let all = [oneway, deferred, generator, close, batch]

    /// Whether `request` announced ``batch``: one `memcmp` when it sent our own list.
    static func announcesBatches(_ request: EventEnvelope) -> Bool {
        guard let range = request.extensionsRange else { return false }
        return isEncodedAll(request.payload, at: range.lowerBound) || decode(request.payload[range]).contains(batch)
    }

    /// Whether `encodedAll` lies at `offset` of `bytes`: the `ext` value of every request,
    /// and of the first reply on each channel, between peers of this version, found with
    /// one `memcmp` instead of a walk over its strings. A complete msgpack value is never
    /// the start of a longer one, so equal bytes are that value.
    static func isEncodedAll(_ bytes: [UInt8], at offset: Int) -> Bool {
        let expected = encodedAll
        guard offset >= 0, expected.count <= bytes.count - offset else { return false }
        return bytes.withUnsafeBytes { bytes in
            expected.withUnsafeBytes { expected in
                UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + expected.count]).holds(bytesOf: expected)
            }
        }
    }

    /// The msgpack encoding of `all`, ready to splice into a header.
    static let encodedAll: [UInt8] = {
        var bytes: [UInt8] = [0x90 | UInt8(all.count)]
        for name in all { EventEncoder.appendString(name, to: &bytes) }
        return bytes
    }()

    /// The header fields of every request our client sends: `ext`.
    static let requestHeader: [(key: String, value: [UInt8])] = [("ext", encodedAll)]
    /// A one-way request to a server that announced ``oneway``: `ext` and `oneway: true`.
    static let flaggedOnewayHeader: [(key: String, value: [UInt8])] = [("ext", encodedAll), ("oneway", [0xc3])]

    /// The header fields our server adds to its reply when `request` announced `ext`.
    static func replyHeader(answering request: EventEnvelope) -> [(key: String, value: [UInt8])] {
        request.extensionsRange == nil ? [] : requestHeader
    }

    /// The names in a received `ext` header value; unknown names are kept (and ignored
    /// by whoever asks for a name it knows), malformed values read as none.
    static func decode(_ bytes: ArraySlice<UInt8>?) -> Set<String> {
        guard let bytes else { return [] }
        var reader = MessagePackReader(bytes: Array(bytes))
        guard let count = try? reader.readArrayHeader() else { return [] }
        var names: Set<String> = []
        for _ in 0..<count {
            guard let name = try? reader.readString() else { return names }
            names.insert(name)
        }
        return names
    }
}
