/// One received zerorpc event, `[header, name, args]`, with only the header and name
/// decoded. The payload is owned; `args` stays raw for the task that decodes it.
struct EventEnvelope: Sendable {
    /// The whole msgpack payload (the message's last frame).
    let payload: [UInt8]
    /// The raw msgpack encoding of `message_id` (type and bytes as received).
    let messageID: [UInt8]
    /// The raw msgpack encoding of `response_to`, when present.
    let responseTo: [UInt8]?
    /// The event name: a method, `OK`, `ERR`, `_zpc_hb`, ….
    let name: String
    /// Header key `v`, when it is a small non-negative int.
    let version: Int?
    /// Where the header map and the args value lie in `payload`.
    let headerRange: Range<Int>
    let argumentsRange: Range<Int>
    /// Header keys other than the three standard ones, `ext` and `oneway`, with the range
    /// of their value. Empty (no allocation) for the requests stock peers send.
    let extraHeaderFields: [String: Range<Int>]
    /// Where the value of header key `ext` lies: the peer speaks our extensions.
    let extensionsRange: Range<Int>?
    /// Header key `oneway` is `true`: the client expects no reply at all.
    let isFlaggedOneway: Bool

    var headerBytes: ArraySlice<UInt8> { payload[headerRange] }
    var argumentBytes: ArraySlice<UInt8> { payload[argumentsRange] }

    func headerFieldBytes(_ key: String) -> ArraySlice<UInt8>? {
        if key == "ext" { return extensionsRange.map { payload[$0] } }
        return extraHeaderFields[key].map { payload[$0] }
    }

    /// The extensions the sender announced in header key `ext`; nil when it sent none
    /// (a stock zerorpc peer).
    var announcedExtensions: Set<String>? {
        extensionsRange.map { ProtocolExtension.decode(payload[$0]) }
    }
}

/// Why a payload is not a usable event. `messageID` is set when the id could still be
/// read, so the server can answer with an ERR instead of only logging.
struct MalformedEvent: Error, Sendable, CustomStringConvertible {
    var reason: String
    var messageID: [UInt8]?
    var name: String?

    var description: String { reason }
}

extension EventEnvelope {
    /// Decodes the envelope of `payload`; never traps on any input.
    init(decoding payload: [UInt8]) throws(MalformedEvent) {
        var reader = MessagePackReader(bytes: payload)
        guard let count = try? reader.readArrayHeader() else {
            throw MalformedEvent(reason: "event is not a msgpack array")
        }
        guard count == 3 else {
            throw MalformedEvent(reason: "event has \(count) elements, expected [header, name, args]")
        }
        let headerStart = reader.position
        guard let fieldCount = try? reader.readMapHeader() else {
            throw MalformedEvent(reason: "event header is not a map")
        }
        var messageID: [UInt8]?
        var responseTo: [UInt8]?
        var version: Int?
        var extra: [String: Range<Int>] = [:]
        var extensionsRange: Range<Int>?
        var isFlaggedOneway = false
        for _ in 0..<fieldCount {
            let key = try? reader.readString()
            if key == nil, reader.skipValueRange() == nil {
                throw MalformedEvent(reason: "event header is truncated")
            }
            if key == "v" {
                version = reader.readSmallInt()
                if version != nil { continue }
            }
            guard let range = reader.skipValueRange() else {
                throw MalformedEvent(reason: "event header is truncated", messageID: messageID)
            }
            switch key {
            case "message_id": messageID = Array(payload[range])
            case "response_to": responseTo = Array(payload[range])
            case "v", nil: break
            case "ext": extensionsRange = range
            case "oneway": isFlaggedOneway = range.count == 1 && payload[range.lowerBound] == 0xc3
            case let key?: extra[key] = range
            }
        }
        let headerEnd = reader.position
        guard let messageID else {
            throw MalformedEvent(reason: "event header has no message_id")
        }
        guard let name = try? reader.readString() else {
            throw MalformedEvent(reason: "event name is not a string", messageID: messageID)
        }
        guard let argumentsRange = reader.skipValueRange() else {
            throw MalformedEvent(reason: "event arguments are not valid msgpack", messageID: messageID, name: name)
        }
        guard reader.isAtEnd else {
            throw MalformedEvent(reason: "trailing bytes after the event", messageID: messageID, name: name)
        }
        self.init(
            payload: payload, messageID: messageID, responseTo: responseTo, name: name, version: version,
            headerRange: headerStart..<headerEnd, argumentsRange: argumentsRange, extraHeaderFields: extra,
            extensionsRange: extensionsRange, isFlaggedOneway: isFlaggedOneway)
    }

    /// True when the args value is an array header (any size the bytes can hold).
    var argumentsAreArray: Bool {
        var reader = MessagePackReader(payload: payload, startingAt: argumentsRange.lowerBound)
        return (try? reader.readArrayHeader()) != nil
    }
}
