/// The events of stream and generator channels, encoded for the wire. One place for the
/// names and argument shapes, so client and server agree byte for byte.
enum StreamEvents {
    /// True for the events that end a channel: `OK`, `ERR`, `STREAM_DONE`.
    static func isTerminal(_ name: String) -> Bool {
        name == "STREAM_DONE" || name == "ERR" || name == "OK"
    }

    /// `_zpc_hb [0]` carrying the server's `ext` list: the announcement on a stream or
    /// generator channel whose request carried `ext`.
    static func extensionAnnouncement(responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        EventEncoder.encode(
            responseTo: channelID,
            extraHeader: [("ext", ProtocolExtension.encodedAll)], name: "_zpc_hb", arguments: [0x91, 0x00])
    }

    /// `STREAM item`: the item itself, not wrapped in an array.
    static func item<Item: MessagePackEncodable>(_ item: Item, responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.write(item)
        return writer.withUnsafeBytes { encoded in
            EventEncoder.encode(
                responseTo: channelID, name: "STREAM", arguments: encoded)
        }
    }

    /// `STREAM_DONE nil`, as Python sends it.
    static func done(responseTo channelID: ArraySlice<UInt8>) -> [UInt8] {
        EventEncoder.encode(
            responseTo: channelID, name: "STREAM_DONE", arguments: [0xc0])
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
