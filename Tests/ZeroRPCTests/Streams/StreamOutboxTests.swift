import Testing

@testable import ZeroRPC

/// A stream handler's items are encoded back to back into one buffer and sent by the I/O
/// thread in order; the events must be exactly the `STREAM item` events the encoder makes.
@Suite struct StreamOutboxTests {
    static let channelID: ArraySlice<UInt8> = encoded(42)[...]

    /// Everything one `send` hands over, copied out.
    static func sent(_ outbox: StreamOutbox) -> [[UInt8]] {
        var events: [[UInt8]] = []
        outbox.send { events.append(Array($0)) }
        return events
    }

    @Test func itemsGoOutInOrderAsStreamEventsOfTheChannel() throws {
        let outbox = StreamOutbox()
        #expect(outbox.append(Int64(0), responseTo: Self.channelID))
        for item in 1..<300 {
            // Only the first item of a batch asks for a flush.
            #expect(!outbox.append(Int64(item), responseTo: Self.channelID))
        }
        let events = Self.sent(outbox)
        #expect(events.count == 300)
        var ids = Set<[UInt8]>()
        for (index, payload) in events.enumerated() {
            let event = try EventEnvelope(decoding: payload)
            #expect(event.kind == .stream)
            #expect(event.responseTo == Self.channelID)
            #expect(event.version == 3)
            var reader = event.argumentsReader()
            #expect(try reader.readInt64() == Int64(index))
            ids.insert(Array(event.messageID))
        }
        #expect(ids.count == 300, "every event has a message_id of its own")
        #expect(Self.sent(outbox).isEmpty)
        // The next item after a send asks for a flush again.
        #expect(outbox.append(Int64(7), responseTo: Self.channelID))
        #expect(Self.sent(outbox).count == 1)
    }

    /// Byte for byte the event `StreamEvents.item` encodes, apart from the fresh id.
    @Test func matchesTheStandaloneEncoding() throws {
        let outbox = StreamOutbox()
        let item = ["name": MessagePackValue.string("x"), "n": .int(-5)]
        _ = outbox.append(item, responseTo: Self.channelID)
        let batched = try #require(Self.sent(outbox).first)
        let standalone = StreamEvents.item(item, responseTo: Self.channelID)
        let (a, b) = (try EventEnvelope(decoding: batched), try EventEnvelope(decoding: standalone))
        #expect(batched.count == standalone.count)
        #expect(a.payload[..<a.messageIDRange.lowerBound] == b.payload[..<b.messageIDRange.lowerBound])
        #expect(a.payload[a.messageIDRange.upperBound...] == b.payload[b.messageIDRange.upperBound...])
    }

    /// A handler appending while the I/O thread sends: nothing lost, nothing twice.
    @Test func appendsDuringSendsAreNeitherLostNorRepeated() async throws {
        let outbox = StreamOutbox()
        let total = 20_000
        let writer = Task.detached {
            for item in 0..<total { _ = outbox.append(Int64(item), responseTo: Self.channelID) }
        }
        var received: [Int64] = []
        while received.count < total {
            outbox.send { payload in
                guard let event = try? EventEnvelope(decoding: Array(payload)) else { return }
                var reader = event.argumentsReader()
                if let value = try? reader.readInt64() { received.append(value) }
            }
            await Task.yield()
        }
        await writer.value
        #expect(received == (0..<Int64(total)).map { $0 })
    }
}
