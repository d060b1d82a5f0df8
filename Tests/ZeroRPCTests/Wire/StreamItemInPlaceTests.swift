import Testing

@testable import ZeroRPC

/// `EventEnvelope.streamItem`: the strict reading a stream's consumer applies to a message
/// where it lies (`ClientLoop.leadChannel`). It may refuse anything, since a refused event
/// takes the general path; what it accepts must be exactly what that path reads.
@Suite struct StreamItemInPlaceTests {
    private static let channel: [UInt8] = encoded("channel-0001")
    private static let otherChannel: [UInt8] = encoded("channel-0002")

    private static func event(
        messageID: [UInt8]? = encoded("item-id"), responseTo: [UInt8]? = channel,
        extraHeader: [(key: String, value: [UInt8])] = [], name: String = "STREAM", arguments: [UInt8] = encoded(7)
    ) -> [UInt8] {
        if let messageID {
            return EventEncoder.encode(
                messageID: messageID, responseTo: responseTo?[...], extraHeader: extraHeader, name: name,
                arguments: arguments)
        }
        // No message_id at all: written by hand, [{v: 3, response_to: channel}, name, args].
        var bytes: [UInt8] = [0x93, 0x82, 0xa1, 0x76, 0x03, 0xab] + Array("response_to".utf8)
        bytes += responseTo ?? encoded(.nil)
        bytes += encoded(.string(name)) + arguments
        return bytes
    }

    /// The item when `bytes` are one whole event that `streamItem` accepts.
    private static func item(_ bytes: [UInt8], answering channel: [UInt8] = channel) -> [UInt8]? {
        bytes.withUnsafeBytes { bytes in
            guard let (item, end) = EventEnvelope.streamItem(in: bytes, from: 0, answering: channel[...]),
                end == bytes.count
            else { return nil }
            return Array(item)
        }
    }

    @Test(arguments: [encoded(7), encoded("text"), encoded([1, 2, 3]), encoded(["a": 1]), encoded(.nil)])
    func aPlainStreamEventOfTheChannelGivesItsArgs(_ arguments: [UInt8]) throws {
        let bytes = Self.event(arguments: arguments)
        #expect(Self.item(bytes) == arguments)
        let general = try EventEnvelope(decoding: bytes)
        #expect(general.kind == .stream && Array(general.argumentBytes) == arguments)
    }

    @Test func aStockServersItemIsTakenToo() {
        // Stock zerorpc's STREAM events carry message_id, v and response_to, keys in any order.
        var bytes: [UInt8] = [0x93, 0x83, 0xab] + Array("response_to".utf8) + Self.channel
        bytes += [0xa1, 0x76, 0x03, 0xaa] + Array("message_id".utf8) + encoded("stock-id")
        bytes += encoded("STREAM") + encoded(42)
        #expect(Self.item(bytes) == encoded(42))
    }

    @Test func everythingElseTakesTheGeneralPath() {
        let refused: [(String, [UInt8])] = [
            ("another channel", Self.event(responseTo: Self.otherChannel)),
            ("no response_to", Self.event(responseTo: nil)),
            ("no message_id", Self.event(messageID: nil)),
            ("STREAM_DONE", Self.event(name: "STREAM_DONE", arguments: encoded(.nil))),
            ("OK", Self.event(name: "OK", arguments: encoded([7]))),
            ("ERR", Self.event(name: "ERR", arguments: encoded(["E", "m", ""]))),
            ("heartbeat", Self.event(name: "_zpc_hb", arguments: encoded([]))),
            ("announced extensions", Self.event(extraHeader: [("ext", encoded(["deferred"]))])),
            ("another header key", Self.event(extraHeader: [("trace", encoded("t"))])),
            ("oneway flag", Self.event(extraHeader: [("oneway", [0xc3])])),
            ("trailing byte", Self.event() + [0x00]),
            ("truncated", Array(Self.event().dropLast())),
            ("two elements", [0x92] + Array(Self.event().dropFirst())),
            ("not an array", [0xc1]),
            ("empty", []),
        ]
        for (what, bytes) in refused {
            #expect(Self.item(bytes) == nil, "\(what)")
        }
    }

    /// Every mutation of a valid event — each byte set to several values, and every
    /// truncation — that the strict reading still accepts reads, on the general path, as a
    /// `STREAM` event of the same channel with the same args.
    @Test func whatItAcceptsTheGeneralPathReadsTheSame() throws {
        let valid = Self.event(arguments: encoded(["k": [1, 2]]))
        var accepted = 0
        var candidates: [[UInt8]] = (0...valid.count).map { Array(valid.prefix($0)) }
        for index in valid.indices {
            for value: UInt8 in [0x00, 0x01, 0x7f, 0x80, 0x90, 0x93, 0xa0, 0xab, 0xc0, 0xc1, 0xc4, 0xd9, 0xdc, 0xff] {
                var mutated = valid
                mutated[index] = value
                candidates.append(mutated)
            }
        }
        for bytes in candidates {
            guard let item = Self.item(bytes) else { continue }
            accepted += 1
            let general = try EventEnvelope(decoding: bytes)
            #expect(general.kind == .stream)
            #expect(general.responseToArray == Self.channel)
            #expect(Array(general.argumentBytes) == item)
        }
        #expect(accepted > 1, "the unmutated event and some harmless mutations are accepted")
    }
}
