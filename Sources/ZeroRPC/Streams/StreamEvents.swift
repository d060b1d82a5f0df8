/// The events of stream and generator channels, encoded for the wire. One place for the
/// names and argument shapes, so client and server agree byte for byte.
enum StreamEvents {
    /// `_zpc_hb [0]` carrying the server's `ext` list: the announcement on a stream or
    /// generator channel whose request carried `ext`.
    static func extensionAnnouncement(responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        EventEncoder.encode(
            responseTo: channelID,
            extraHeader: [("ext", ProtocolExtension.encodedAll)], name: EventName.heartbeat, arguments: [0x91, 0x00])
    }

    /// `STREAM item`: the item itself, not wrapped in an array.
    static func item<Item: MessagePackEncodable>(_ item: Item, responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.write(item)
        return EventEncoder.encode(responseTo: channelID, name: EventName.stream, arguments: writer)
    }

    /// `STREAM item` written at the end of `writer`, byte for byte what `item(_:responseTo:)`
    /// encodes: a stream's items go back to back into one buffer, with no array each.
    static func writeItem<Item: MessagePackEncodable>(
        _ item: Item, responseTo channelID: ArraySlice<UInt8>, into writer: inout MessagePackWriter
    ) {
        writer.writeArrayHeader(3)
        writer.writeMapHeader(3)
        writer.writeKey("message_id")
        MessageIDGenerator.shared.append(to: &writer)
        writer.writeKey("v")
        writer.write(Int64(3))
        writer.writeKey("response_to")
        channelID.withUnsafeBytes { writer.writeRaw($0) }
        writer.writeKey("STREAM")
        writer.write(item)
    }

    /// `STREAM_DONE nil`, as Python sends it.
    static func done(responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        EventEncoder.encode(
            responseTo: channelID, name: EventName.streamDone, arguments: [0xc0])
    }

    /// The args of `_zpc_more [n]`.
    static func moreArguments(_ credit: Int) -> [UInt8] {
        var writer = MessagePackWriter(reservingCapacity: 16)
        writer.writeArrayHeader(1)
        writer.write(Int64(credit))
        return writer.bytes
    }

    /// The args of `_zpc_close []`.
    static let closeArguments: [UInt8] = [0x90]
}
