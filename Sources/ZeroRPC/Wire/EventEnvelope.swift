/// One received zerorpc event, `[header, name, args]`, with only the header and name
/// decoded. The payload is owned; `args` stays raw for the task that decodes it.
@usableFromInline
struct EventEnvelope: Sendable {
    /// The whole msgpack payload (the message's last frame); for a large message kept in
    /// place, only its header and name, the bytes before `argumentsRange`.
    let payload: [UInt8]
    // Ranges, not slices, and no optionals among the stored fields: an envelope holds
    // references only to its payload, large message, name and extra fields, and copying
    // one (events are queued and handed on by value) is a few retains, not an outlined
    // value-witness copy per optional field. An absent range is stored empty (a present
    // msgpack value is at least one byte). And small (`EventEnvelopeTests`): past 128
    // bytes the compiler copies a value with a call to `memcpy`. An envelope of 128 bytes
    // did that ten times a stream item on the client (+9% instructions per item), and at
    // exactly 128 a `Result<EventEnvelope, any Error>?` (a led call's outcome) was 129,
    // copied sixteen times a client call. The ranges inside the header are stored in
    // 32 bits each (`HeaderSpan`), which keeps it at 96.

    /// A large received message kept in place: the whole event, args included, which
    /// are then read from it without a copy (`argumentsReader()`); `ReceivedMessage.none`
    /// otherwise (not an optional, see above).
    private let storedLargeMessage: ReceivedMessage

    /// The large received message the args are read from, when there is one.
    var largeMessage: ReceivedMessage? { storedLargeMessage.isNone ? nil : storedLargeMessage }

    private let storedMessageID: HeaderSpan
    private let storedResponseTo: HeaderSpan
    /// The event name: a method, `OK`, `ERR`, `_zpc_hb`, ….
    let name: String
    /// The name matched against the events the runtime acts on (`.other` for methods).
    let kind: EventKind
    /// Header key `oneway` is `true`: the client expects no reply at all.
    let isFlaggedOneway: Bool
    /// `v` when a small non-negative int (`readSmallInt`: at most `Int32.max`), else -1;
    /// 32 bits, so it packs beside `kind` and `isFlaggedOneway`.
    private let storedVersion: Int32
    private let storedHeader: HeaderSpan
    /// Where the args value lies: in `payload`, or in the large message.
    let argumentsRange: Range<Int>
    /// Header keys other than the three standard ones, `ext` and `oneway`, with the range
    /// of their value. Empty (no allocation) for the requests stock peers send.
    let extraHeaderFields: [String: Range<Int>]
    private let storedExtensions: HeaderSpan

    /// Where the raw msgpack of `message_id` lies in `payload`.
    var messageIDRange: Range<Int> { storedMessageID.range }
    /// Where the header map lies in `payload`.
    var headerRange: Range<Int> { storedHeader.range }
    /// Where the raw msgpack of `response_to` lies in `payload`, when present.
    var responseToRange: Range<Int>? { storedResponseTo.isEmpty ? nil : storedResponseTo.range }
    /// Header key `v`, when it is a small non-negative int.
    var version: Int? { storedVersion < 0 ? nil : Int(storedVersion) }
    /// Where the value of header key `ext` lies: the peer speaks our extensions.
    var extensionsRange: Range<Int>? { storedExtensions.isEmpty ? nil : storedExtensions.range }

    /// The raw msgpack encoding of `message_id` (type and bytes as received).
    var messageID: ArraySlice<UInt8> { payload[messageIDRange] }
    /// The raw msgpack encoding of `response_to`, when present.
    var responseTo: ArraySlice<UInt8>? { responseToRange.map { payload[$0] } }
    var headerBytes: ArraySlice<UInt8> { payload[headerRange] }
    /// The raw msgpack of `args` (a copy when the message is kept in place).
    var argumentBytes: ArraySlice<UInt8> {
        guard let largeMessage else { return payload[argumentsRange] }
        return ArraySlice(largeMessage.bytes[argumentsRange])
    }

    /// A reader at the start of `args`, over the bytes where they were received.
    func argumentsReader() -> MessagePackReader {
        guard let largeMessage else {
            return MessagePackReader(payload: payload, startingAt: argumentsRange.lowerBound)
        }
        var reader = MessagePackReader(unsafeBytes: largeMessage.bytes, owner: largeMessage)
        reader.position = argumentsRange.lowerBound
        return reader
    }

    /// The raw value of a header key other than the standard ones, `ext` and `oneway`.
    func headerFieldBytes(_ key: String) -> ArraySlice<UInt8>? {
        extraHeaderFields[key].map { payload[$0] }
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
    /// Decodes the envelope of a received payload; never traps on any input. A large
    /// payload stays where it was received: only its header and name are copied out.
    init(decoding frame: ReceivedFrame) throws(MalformedEvent) {
        switch frame {
        case .bytes(let payload): try self.init(decoding: payload)
        case .message(let message):
            // Where the args begin: after the array header, the header map and the name.
            var scan = MessagePackReader(unsafeBytes: message.bytes, owner: message)
            guard (try? scan.readArrayHeader()) == 3, scan.skipValueRange() != nil, scan.skipValueRange() != nil
            else {
                try self.init(decoding: Array(message.bytes))  // malformed: reported as usual
                return
            }
            try self.init(decoding: Array(message.bytes[..<scan.position]), largeMessage: message)
        }
    }

    /// Decodes the envelope of `payload`; never traps on any input. With `largeMessage`,
    /// `payload` holds only the header and name, the start of that message's bytes,
    /// and the args are checked in the message.
    ///
    /// With `followingEvents`, the event starts at `start` and may be followed by more
    /// (a batch, `ProtocolExtension.batch`): the next one starts at the end of this one's
    /// args, `argumentsRange.upperBound`. The envelope shares `payload` with them; its
    /// ranges count from the start of `payload`.
    init(
        decoding payload: [UInt8], from start: Int = 0, followingEvents: Bool = false,
        largeMessage: ReceivedMessage? = nil
    ) throws(MalformedEvent) {
        var reader = MessagePackReader(bytes: payload)
        reader.position = start
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
        var messageID: Range<Int>?
        var responseTo: Range<Int>?
        var version: Int?
        var extra: [String: Range<Int>] = [:]
        var extensionsRange: Range<Int>?
        var isFlaggedOneway = false
        for _ in 0..<fieldCount {
            // Keys are matched as bytes: no String is made for the ones every event has.
            let keyRange = try? reader.readStringRange()
            if keyRange == nil, reader.skipValueRange() == nil {
                throw MalformedEvent(reason: "event header is truncated")
            }
            let key = keyRange.map { range in
                payload.withUnsafeBytes { HeaderKey(UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
            if key == .version {
                version = reader.readSmallInt()
                if version != nil { continue }
            }
            // Our own list (every request and first reply between peers of this version)
            // is compared, not walked: about 200 instructions an event.
            if key == .extensions, ProtocolExtension.isEncodedAll(payload, at: reader.position) {
                let range = reader.position..<reader.position + ProtocolExtension.encodedAll.count
                reader.position = range.upperBound
                extensionsRange = range
                continue
            }
            guard let range = reader.skipValueRange() else {
                throw MalformedEvent(
                    reason: "event header is truncated", messageID: messageID.map { Array(payload[$0]) })
            }
            switch key {
            case .messageID: messageID = range
            case .responseTo: responseTo = range
            case .version, nil: break
            case .extensions: extensionsRange = range
            case .oneway: isFlaggedOneway = range.count == 1 && payload[range.lowerBound] == 0xc3
            case .other:
                if let keyRange { extra[String(decoding: payload[keyRange], as: UTF8.self)] = range }
            }
        }
        let headerEnd = reader.position
        guard let messageID else {
            throw MalformedEvent(reason: "event header has no message_id")
        }
        // Every range in the header ends by `headerEnd`, so they all fit `HeaderSpan`.
        guard headerEnd <= HeaderSpan.limit else {
            throw MalformedEvent(reason: "event header is larger than 4 GiB")
        }
        var rawID: [UInt8] { Array(payload[messageID]) }  // for errors only
        guard let nameRange = try? reader.readStringRange() else {
            throw MalformedEvent(reason: "event name is not a string", messageID: rawID)
        }
        // Known names are matched as bytes and need no String of their own; others (the
        // methods) are decoded once, and must be valid UTF-8.
        let kind = payload.withUnsafeBytes { EventKind(name: UnsafeRawBufferPointer(rebasing: $0[nameRange])) }
        let name: String
        if let known = kind.name {
            name = known
        } else {
            let decoded = payload.withUnsafeBufferPointer { bytes -> String? in
                let utf8 = UnsafeBufferPointer(rebasing: bytes[nameRange])
                guard let validated = try? UTF8Span(validating: utf8.span) else { return nil }
                return String(copying: validated)
            }
            guard let decoded else {
                throw MalformedEvent(reason: "event name is not a string", messageID: rawID)
            }
            name = decoded
        }
        if let largeMessage {
            let position = reader.position
            reader = MessagePackReader(unsafeBytes: largeMessage.bytes, owner: largeMessage)
            reader.position = position
        }
        guard let argumentsRange = reader.skipValueRange() else {
            throw MalformedEvent(
                reason: "event arguments are not valid msgpack", messageID: rawID, name: name)
        }
        guard reader.isAtEnd || (followingEvents && largeMessage == nil) else {
            throw MalformedEvent(reason: "trailing bytes after the event", messageID: rawID, name: name)
        }
        self.init(
            payload: payload, storedLargeMessage: largeMessage ?? .none, storedMessageID: HeaderSpan(messageID),
            storedResponseTo: HeaderSpan(responseTo ?? 0..<0), name: name,
            kind: kind, isFlaggedOneway: isFlaggedOneway,
            storedVersion: version.map { Int32(truncatingIfNeeded: $0) } ?? -1,
            storedHeader: HeaderSpan(headerStart..<headerEnd), argumentsRange: argumentsRange,
            extraHeaderFields: extra, storedExtensions: HeaderSpan(extensionsRange ?? 0..<0))
    }

    /// True when the args value is an array header (any size the bytes can hold).
    var argumentsAreArray: Bool {
        var reader = argumentsReader()
        return (try? reader.readArrayHeader()) != nil
    }
}

extension EventEnvelope {
    /// The item of a plain `STREAM` event answering `channel` (the raw msgpack of its
    /// `message_id`), read where the event lies (`bytes`, e.g. a received message's,
    /// from `start`: a message may hold several events back to back, a batch,
    /// `ProtocolExtension.batch`): the bytes of its args and where the event ends; nil
    /// for anything else — another event or channel, a header key besides `message_id`,
    /// `v` and `response_to`, bytes that are not one well-formed event — which then takes
    /// the general path, `init(decoding:)`. Whatever this accepts, that path decodes to a
    /// `STREAM` event of `channel` with the same args.
    static func streamItem(
        in bytes: UnsafeRawBufferPointer, from start: Int, answering channel: ArraySlice<UInt8>
    ) -> (item: UnsafeRawBufferPointer, end: Int)? {
        var reader = MessagePackReader(transient: bytes)
        reader.position = start
        guard (try? reader.readArrayHeader()) == 3, let fieldCount = try? reader.readMapHeader() else { return nil }
        var hasMessageID = false
        var answersChannel = false
        for _ in 0..<fieldCount {
            guard let keyRange = try? reader.readStringRange(), let valueRange = reader.skipValueRange() else {
                return nil
            }
            // As in `init(decoding:)`, a repeated key's last value counts.
            switch HeaderKey(UnsafeRawBufferPointer(rebasing: bytes[keyRange])) {
            case .messageID: hasMessageID = true
            case .version: break
            case .responseTo:
                answersChannel = channel.withUnsafeBytes { channel in
                    UnsafeRawBufferPointer(rebasing: bytes[valueRange]).holds(bytesOf: channel)
                }
            case .extensions, .oneway, .other: return nil
            }
        }
        guard hasMessageID, answersChannel, let nameRange = try? reader.readStringRange(),
            EventKind(name: UnsafeRawBufferPointer(rebasing: bytes[nameRange])) == .stream,
            let arguments = reader.skipValueRange()
        else { return nil }
        return (UnsafeRawBufferPointer(rebasing: bytes[arguments]), arguments.upperBound)
    }
}

/// A range of an event's header bytes in 32 bits a bound, half a `Range<Int>`: an
/// envelope holds four, and its size decides whether copying it calls `memcpy` (see
/// `EventEnvelope`). The decoder rejects a header that ends past `limit`.
struct HeaderSpan {
    static let limit = Int(UInt32.max)

    private let start: UInt32
    private let end: UInt32

    /// `range` must end by `limit` (the decoder checked the header's end).
    init(_ range: Range<Int>) {
        start = UInt32(truncatingIfNeeded: range.lowerBound)
        end = UInt32(truncatingIfNeeded: range.upperBound)
    }

    var range: Range<Int> { Int(start)..<Int(end) }
    var isEmpty: Bool { start == end }
}

/// The header keys the envelope reads itself, recognised from their UTF-8 bytes.
private enum HeaderKey: Equatable {
    case messageID, version, responseTo, extensions, oneway, other

    /// By length first, then one `memcmp` against a static string: no array is touched
    /// (static arrays of the key bytes cost a `swift_once` check, a retain and a release
    /// each, three per event on a stream client), and a generic `elementsEqual` cost more
    /// than the rest of the header's decoding.
    init(_ key: UnsafeRawBufferPointer) {
        switch key.count {
        case 1: self = key.first == UInt8(ascii: "v") ? .version : .other
        case 3: self = key.holds("ext") ? .extensions : .other
        case 6: self = key.holds("oneway") ? .oneway : .other
        case 10: self = key.holds("message_id") ? .messageID : .other
        case 11: self = key.holds("response_to") ? .responseTo : .other
        default: self = .other
        }
    }
}
