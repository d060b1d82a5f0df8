/// Builds outgoing events `[header, name, args]` as msgpack bytes. The header is always
/// `{message_id, v: 3[, response_to][, extra…]}`; ids and extra values are spliced in raw,
/// so an echoed `response_to` keeps the exact type and bytes it arrived with.
enum EventEncoder {
    /// Encodes one event. `arguments` must be one complete msgpack value.
    static func encode(
        messageID: [UInt8], responseTo: ArraySlice<UInt8>?, extraHeader: [(key: String, value: [UInt8])] = [],
        name: String, arguments: some Collection<UInt8>
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + messageID.count + (responseTo?.count ?? 0) + arguments.count)
        bytes.append(0x93)
        let fieldCount = 2 + (responseTo == nil ? 0 : 1) + extraHeader.count
        appendMapHeader(fieldCount, to: &bytes)
        bytes.append(contentsOf: messageIDKey)
        bytes.append(contentsOf: messageID)
        bytes.append(contentsOf: versionField)
        if let responseTo {
            bytes.append(contentsOf: responseToKey)
            bytes.append(contentsOf: responseTo)
        }
        for field in extraHeader {
            appendString(field.key, to: &bytes)
            bytes.append(contentsOf: field.value)
        }
        appendString(name, to: &bytes)
        bytes.append(contentsOf: arguments)
        return bytes
    }

    /// `encode` for a channel id held as an array (our own request ids).
    static func encode(
        messageID: [UInt8], responseTo: [UInt8], extraHeader: [(key: String, value: [UInt8])] = [],
        name: String, arguments: some Collection<UInt8>
    ) -> [UInt8] {
        encode(
            messageID: messageID, responseTo: responseTo[...], extraHeader: extraHeader, name: name,
            arguments: arguments)
    }

    /// `heartbeat` for a channel id held as an array.
    static func heartbeat(responseTo: [UInt8]) -> [UInt8] {
        heartbeat(responseTo: responseTo[...])
    }

    /// A request opening a channel of its own: a fresh `message_id` (returned too, the
    /// id its replies will echo), no `response_to`.
    static func request(
        _ name: String, header: [(key: String, value: [UInt8])], arguments: some Collection<UInt8>
    ) -> (messageID: [UInt8], payload: [UInt8]) {
        let messageID = MessageIDGenerator.shared.next()
        return (
            messageID,
            encode(messageID: messageID, responseTo: nil, extraHeader: header, name: name, arguments: arguments)
        )
    }

    /// `_zpc_hb [0]` on the channel `responseTo`.
    static func heartbeat(responseTo: ArraySlice<UInt8>) -> [UInt8] {
        encode(
            messageID: MessageIDGenerator.shared.next(), responseTo: responseTo, name: "_zpc_hb",
            arguments: [0x91, 0x00])
    }

    /// `ERR [name, message, traceback]` on the channel `responseTo`.
    static func error(
        responseTo: ArraySlice<UInt8>, name: String, message: String, traceback: String = "",
        extraHeader: [(key: String, value: [UInt8])] = []
    ) -> [UInt8] {
        encode(
            messageID: MessageIDGenerator.shared.next(), responseTo: responseTo, extraHeader: extraHeader,
            name: "ERR", arguments: errorArguments(name: name, message: message, traceback: traceback))
    }

    /// The args of an ERR event: `[name, message, traceback]`.
    static func errorArguments(name: String, message: String, traceback: String) -> [UInt8] {
        var bytes: [UInt8] = [0x93]
        appendString(name, to: &bytes)
        appendString(message, to: &bytes)
        appendString(traceback, to: &bytes)
        return bytes
    }

    // The standard header keys, encoded once.
    private static let messageIDKey = encodedString("message_id")
    private static let versionField = encodedString("v") + [0x03]
    private static let responseToKey = encodedString("response_to")

    private static func encodedString(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendString(text, to: &bytes)
        return bytes
    }

    /// The args of `OK [nil]`.
    static let okNilArguments: [UInt8] = [0x91, 0xc0]

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        let utf8 = text.utf8
        let count = utf8.count
        switch count {
        case 0..<32: bytes.append(0xa0 | UInt8(count))
        case 32..<256: bytes.append(contentsOf: [0xd9, UInt8(count)])
        case 256..<65536: bytes.append(contentsOf: [0xda, UInt8(count >> 8), UInt8(count & 0xff)])
        default:
            bytes.append(0xdb)
            appendBigEndian32(UInt32(truncatingIfNeeded: count), to: &bytes)
        }
        bytes.append(contentsOf: utf8)
    }

    static func appendMapHeader(_ count: Int, to bytes: inout [UInt8]) {
        switch count {
        case 0..<16: bytes.append(0x80 | UInt8(count))
        case 16..<65536: bytes.append(contentsOf: [0xde, UInt8(count >> 8), UInt8(count & 0xff)])
        default:
            bytes.append(0xdf)
            appendBigEndian32(UInt32(truncatingIfNeeded: count), to: &bytes)
        }
    }

    private static func appendBigEndian32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: [
            UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff),
        ])
    }
}
