import Testing

@testable import ZeroRPC

/// Received event names are matched once, as bytes, into `EventKind`; the name string
/// and the envelope's fields must come out exactly as before.
@Suite struct EventKindTests {
    static let known: [(String, EventKind)] = [
        ("OK", .ok), ("ERR", .error), ("STREAM", .stream), ("STREAM_DONE", .streamDone), ("_zpc_hb", .heartbeat),
        ("_zpc_more", .more), ("_zpc_send", .send), ("_zpc_throw", .throw), ("_zpc_close", .close),
        ("DEFERRED", .deferred),
    ]

    @Test func everyKnownNameIsMatchedAndKeepsItsName() throws {
        for (name, kind) in Self.known {
            let event = try EventEnvelope(
                decoding: EventEncoder.encode(messageID: encoded(1), responseTo: nil, name: name, arguments: [0x90]))
            #expect(event.kind == kind, "\(name)")
            #expect(event.name == name)
            #expect(kind.name == name)
        }
    }

    /// Names of the same length as a known one, a prefix, a case variant, a method.
    @Test(arguments: ["ok", "ER", "ERS", "STREAM_DON", "STREAM_DONE_", "_zpc_hc", "_zpc_mord", "_zpc_clos3", "add", ""])
    func otherNamesAreMethodsDecodedAsStrings(name: String) throws {
        let event = try EventEnvelope(
            decoding: EventEncoder.encode(messageID: encoded(1), responseTo: nil, name: name, arguments: [0x90]))
        #expect(event.kind == .other)
        #expect(event.name == name)
    }

    @Test func aMethodNameThatIsNotUTF8IsMalformed() {
        let payload: [UInt8] = [0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0xa2, 0xff, 0xfe, 0x90]
        #expect(throws: MalformedEvent.self) { try EventEnvelope(decoding: payload) }
    }

    @Test func onlyOKErrAndStreamDoneEndAChannel() {
        let ending = Set(Self.known.filter { $0.1.endsChannel }.map(\.0))
        #expect(ending == ["OK", "ERR", "STREAM_DONE"])
        #expect(!EventKind.other.endsChannel)
    }

    /// Optional header fields are stored without optionals; absent and present ones must
    /// still read back as nil and as their bytes.
    @Test func absentAndPresentOptionalFieldsReadBack() throws {
        let bare = try EventEnvelope(
            decoding: EventEncoder.encode(messageID: encoded(7), responseTo: nil, name: "OK", arguments: [0x91, 0x01]))
        #expect(bare.responseTo == nil)
        #expect(bare.extensionsRange == nil)
        #expect(bare.version == 3)
        let full = try EventEnvelope(
            decoding: EventEncoder.encode(
                messageID: encoded(7), responseTo: encoded(9)[...], extraHeader: [("ext", encoded(["x"]))],
                name: "OK", arguments: [0x91, 0x01]))
        #expect(full.responseTo.map(Array.init) == encoded(9))
        #expect(full.extensionsRange.map { Array(full.payload[$0]) } == encoded(["x"]))
        let noVersion: [UInt8] =
            [0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0xa2] + Array("OK".utf8) + [0x90]
        #expect(try EventEnvelope(decoding: noVersion).version == nil)
    }

    /// Our own `ext` list is found by comparing its bytes; any other value, including one
    /// that starts like it, is walked as before, and every one reads back exactly.
    @Test func theExtensionsValueReadsBackWhateverItHolds() throws {
        let ours = ProtocolExtension.encodedAll
        let longer = [ours[0] + 1] + ours.dropFirst() + encoded("more")
        let values: [[UInt8]] = [
            ours, longer, encoded(["oneway"]), encoded(.array(ProtocolExtension.all.reversed().map { .string($0) })),
            [0xc0],
        ]
        for value in values {
            let event = try EventEnvelope(
                decoding: EventEncoder.encode(
                    messageID: encoded(7), responseTo: nil, extraHeader: [("ext", value), ("z", encoded(1))],
                    name: "OK", arguments: [0x91, 0x01]))
            #expect(event.extensionsRange.map { Array(event.payload[$0]) } == value)
            #expect(event.extraHeaderFields.keys.sorted() == ["z"])
            #expect(Array(event.payload[event.argumentsRange]) == [0x91, 0x01])
        }
        #expect(ProtocolExtension.decode(ours[...]) == Set(ProtocolExtension.all))
        // Our list, cut short at every length, is malformed, as walking it finds.
        for length in 1..<ours.count {
            let header: [UInt8] = [0x82, 0xaa] + Array("message_id".utf8) + [0x07, 0xa3] + Array("ext".utf8)
            #expect(throws: MalformedEvent.self) { try EventEnvelope(decoding: [0x93] + header + ours.prefix(length)) }
        }
    }
}
