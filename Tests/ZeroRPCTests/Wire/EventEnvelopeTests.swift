import Testing

@testable import ZeroRPC

@Suite struct EventEnvelopeTests {
    /// The `add(1, 2)` request a stock Python client sent (ZERORPC_PROTOCOL.md §15.1).
    static let pythonRequest: [UInt8] =
        [0x93, 0x82, 0xaa] + Array("message_id".utf8) + [0xc4, 0x20] + Array("af8de7bf74a44a30933c6459d252ede9".utf8)
        + [0xa1, 0x76, 0x03, 0xa3, 0x61, 0x64, 0x64, 0x92, 0x01, 0x02]

    /// The server's OK to it, 101 bytes.
    static let pythonReply: [UInt8] =
        [0x93, 0x83, 0xaa] + Array("message_id".utf8) + [0xc4, 0x20] + Array("98e4537af26e4926bf2ea317807b3cd5".utf8)
        + [0xa1, 0x76, 0x03, 0xab] + Array("response_to".utf8) + [0xc4, 0x20]
        + Array("af8de7bf74a44a30933c6459d252ede9".utf8) + [0xa2, 0x4f, 0x4b, 0x91, 0x03]

    /// Past 128 bytes the compiler copies a value with a call to `memcpy`: a stream client
    /// made ten such calls an item when one field was added (+9% instructions), and a
    /// client call sixteen when a led call's outcome (`Result<EventEnvelope, any Error>?`)
    /// was one byte over.
    @Test func anEnvelopeAndALedOutcomeStaySmallEnoughToCopyInline() {
        #expect(MemoryLayout<EventEnvelope>.size <= 120)
        #expect(MemoryLayout<Result<EventEnvelope, any Error>?>.size <= 128)
    }

    /// The header's ranges are stored in 32 bits each, and read back as they were found.
    @Test func headerRangesReadBack() throws {
        let reply = try EventEnvelope(decoding: Self.pythonReply)
        #expect(reply.headerRange == 1..<(Self.pythonReply.count - 5))
        #expect(reply.messageIDRange == 13..<47)
        #expect(reply.responseToRange == 62..<96)
        #expect(reply.extensionsRange == nil)
        #expect(HeaderSpan(0..<Int(UInt32.max)).range == 0..<Int(UInt32.max))
        #expect(HeaderSpan(7..<7).isEmpty)
    }

    @Test func decodesTheCapturedPythonRequest() throws {
        let event = try EventEnvelope(decoding: Self.pythonRequest)
        #expect(Self.pythonRequest.count == 57)
        #expect(event.name == "add")
        #expect(event.version == 3)
        #expect(event.responseTo == nil)
        #expect(event.messageIDArray == [0xc4, 0x20] + Array("af8de7bf74a44a30933c6459d252ede9".utf8))
        #expect(Array(event.argumentBytes) == [0x92, 0x01, 0x02])
    }

    @Test func encodesTheSameBytesAsThePythonServer() throws {
        let request = try EventEnvelope(decoding: Self.pythonRequest)
        let reply = EventEncoder.encode(
            messageID: [0xc4, 0x20] + Array("98e4537af26e4926bf2ea317807b3cd5".utf8), responseTo: request.messageID,
            name: "OK", arguments: [0x91, 0x03])
        #expect(reply == Self.pythonReply)
        #expect(reply.count == 101)
    }

    @Test func keepsExtraHeaderFieldsRaw() throws {
        let payload = EventEncoder.encode(
            messageID: encoded(1), responseTo: encoded("x")[...], extraHeader: [("trace", encoded(["a": 1]))],
            name: "ERR",
            arguments: EventEncoder.errorArguments(name: "E", message: "m", traceback: ""))
        let event = try EventEnvelope(decoding: payload)
        #expect(event.responseToArray == encoded("x"))
        #expect(event.headerFieldBytes("trace").map(Array.init) == encoded(["a": 1]))
        #expect(event.arguments == ["E", "m", ""])
    }

    @Test(
        arguments: [
            ([0xc1], "event is not a msgpack array", false),
            ([0x92, 0x80, 0xa0], "event has 2 elements, expected [header, name, args]", false),
            ([0x93, 0x01, 0xa0, 0x90], "event header is not a map", false),
            ([0x93, 0x80, 0xa0, 0x90], "event header has no message_id", false),
            ([0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0x07, 0x90], "event name is not a string", true),
            (
                [0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0xa0, 0xdc, 0xff, 0xff],
                "event arguments are not valid msgpack", true
            ),
            (
                [0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0xa0, 0x90, 0x90],
                "trailing bytes after the event", true
            ),
            ([0x93, 0x81, 0xaa] + Array("message_id".utf8), "event header is truncated", false),
            (
                [0x93, 0x81, 0xaa] + Array("message_id".utf8) + [0x07, 0xa0]
                    + [UInt8](repeating: 0x91, count: MessagePackReader.maximumDepth + 1) + [0xc0],
                "event arguments are not valid msgpack", true
            ),
        ] as [([UInt8], String, Bool)])
    func reportsWhatIsWrongAndWhetherTheIDIsKnown(_ payload: [UInt8], reason: String, idKnown: Bool) {
        #expect {
            try EventEnvelope(decoding: payload)
        } throws: { error in
            guard let error = error as? MalformedEvent else { return false }
            return error.reason == reason && (error.messageID == [0x07]) == idKnown
        }
    }
}
