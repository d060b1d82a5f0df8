/// Builds outgoing events `[header, name, args]` as msgpack bytes. The header is always
/// `{message_id, v: 3[, response_to][, extra…]}`; ids and extra values are spliced in raw,
/// so an echoed `response_to` keeps the exact type and bytes it arrived with.
enum EventEncoder {
    /// Encodes one event with a fresh `message_id`, written straight into it.
    /// `arguments` must be one complete msgpack value.
    static func encode(
        responseTo: ArraySlice<UInt8>?, extraHeader: [(key: String, value: [UInt8])] = [],
        name: String, arguments: some Collection<UInt8>
    ) -> [UInt8] {
        event(responseTo: responseTo, extraHeader: extraHeader, name: name, arguments: arguments).bytes
    }

    /// Encodes one event with a fresh `message_id` whose args are what `arguments` holds,
    /// copied once into the event (a large `Data` the writer holds by reference too).
    static func encode(
        responseTo: ArraySlice<UInt8>?, extraHeader: [(key: String, value: [UInt8])] = [],
        name: String, arguments: borrowing MessagePackWriter
    ) -> [UInt8] {
        event(
            messageID: nil, responseTo: responseTo, extraHeader: extraHeader, name: name,
            argumentsCount: arguments.count, appendArguments: { arguments.write(to: &$0) }
        ).bytes
    }

    /// Encodes one event with the given raw `message_id` (tests and raw peers that need a
    /// particular id).
    static func encode(
        messageID: [UInt8], responseTo: ArraySlice<UInt8>?, extraHeader: [(key: String, value: [UInt8])] = [],
        name: String, arguments: some Collection<UInt8>
    ) -> [UInt8] {
        event(messageID: messageID, responseTo: responseTo, extraHeader: extraHeader, name: name, arguments: arguments)
            .bytes
    }

    /// The event's bytes and where its `message_id` (`messageID`, or a fresh one when nil)
    /// lies in them.
    private static func event(
        messageID explicitID: [UInt8]? = nil, responseTo: ArraySlice<UInt8>?,
        extraHeader: [(key: String, value: [UInt8])], name: String, arguments: some Collection<UInt8>
    ) -> (bytes: [UInt8], messageID: Range<Int>) {
        event(
            messageID: explicitID, responseTo: responseTo, extraHeader: extraHeader, name: name,
            argumentsCount: arguments.count, appendArguments: { $0.write(contentsOf: arguments) })
    }

    /// `event(…)` with args of `argumentsCount` bytes that `appendArguments` writes.
    ///
    /// Everything is counted up front (the `ext` field and the name too), so an event is
    /// one allocation that never regrows, and every piece is copied into it by
    /// `EventBytes` without `Array.append`'s capacity and uniqueness checks: appending
    /// the pieces of a request (its name and `ext` key as `String.UTF8View`s among them)
    /// cost ~1,800 instructions.
    private static func event(
        messageID explicitID: [UInt8]?, responseTo: ArraySlice<UInt8>?,
        extraHeader: [(key: String, value: [UInt8])], name: String, argumentsCount: Int,
        appendArguments: (inout EventBytes) -> Void
    ) -> (bytes: [UInt8], messageID: Range<Int>) {
        var headerFields = 0
        for field in extraHeader { headerFields += 5 + field.key.utf8.count + field.value.count }
        // 48 covers the array marker, the map header, the three standard keys, `v`'s
        // value and the name's header.
        let capacity =
            48 + (explicitID?.count ?? MessageIDGenerator.encodedCount) + (responseTo?.count ?? 0) + headerFields
            + name.utf8.count + argumentsCount
        /// Writes the event; where its `message_id` lies.
        func write(_ out: inout EventBytes) -> Range<Int> {
            out.write(0x93)
            out.writeMapHeader(2 + (responseTo == nil ? 0 : 1) + extraHeader.count)
            out.write(messageIDKey)
            let idStart = out.count
            if let explicitID {
                out.write(explicitID)
            } else {
                MessageIDGenerator.shared.write(into: out.claim(MessageIDGenerator.encodedCount))
            }
            let messageID = idStart..<out.count
            out.write(versionField)
            if let responseTo {
                out.write(responseToKey)
                out.write(responseTo)
            }
            for field in extraHeader {
                out.writeString(field.key)
                out.write(field.value)
            }
            out.writeString(name)
            appendArguments(&out)
            return messageID
        }
        // A small event is written on the stack and copied into an array made for its
        // size: `[UInt8](unsafeUninitializedCapacity:)` is not specialized outside the
        // standard library and looks up the array's storage type at run time (~360
        // instructions), more than the copy of a few hundred bytes.
        guard capacity > Self.stackEventLimit else {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
                // Non-nil: `capacity` is at least 48.
                let start = scratch.baseAddress.unsafelyUnwrapped
                var out = EventBytes(start: start, capacity: capacity)
                let messageID = write(&out)
                return ([UInt8](UnsafeBufferPointer(start: start, count: out.count)), messageID)
            }
        }
        var messageID = 0..<0
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initializedCount in
            // Non-nil: `capacity` is at least 48.
            var out = EventBytes(start: buffer.baseAddress.unsafelyUnwrapped, capacity: capacity)
            messageID = write(&out)
            initializedCount = out.count
        }
        return (bytes, messageID)
    }

    /// The largest event (as counted before it is written) built on the stack.
    static let stackEventLimit = 1024

    /// A request opening a channel of its own: a fresh `message_id` (returned too, the
    /// id its replies will echo), no `response_to`. The id is written straight into the
    /// event and returned as a slice of it, so a request costs one allocation; a large
    /// request gets a copy of its id instead, so a pending call's key does not keep the
    /// whole request alive.
    static func request(
        _ name: String, header: [(key: String, value: [UInt8])], arguments: some Collection<UInt8>
    ) -> (messageID: ArraySlice<UInt8>, payload: [UInt8]) {
        request(event(responseTo: nil, extraHeader: header, name: name, arguments: arguments))
    }

    /// `request(_:header:arguments:)` with args that `arguments` holds, copied once.
    static func request(
        _ name: String, header: [(key: String, value: [UInt8])], arguments: borrowing MessagePackWriter
    ) -> (messageID: ArraySlice<UInt8>, payload: [UInt8]) {
        request(
            event(
                messageID: nil, responseTo: nil, extraHeader: header, name: name, argumentsCount: arguments.count,
                appendArguments: { arguments.write(to: &$0) }))
    }

    private static func request(
        _ event: (bytes: [UInt8], messageID: Range<Int>)
    ) -> (messageID: ArraySlice<UInt8>, payload: [UInt8]) {
        let (bytes, messageID) = event
        if bytes.count > 4096 { return (ArraySlice(Array(bytes[messageID])), bytes) }
        return (bytes[messageID], bytes)
    }

    /// `_zpc_hb [0]` on the channel `responseTo`.
    static func heartbeat(responseTo: ArraySlice<UInt8>) -> [UInt8] {
        encode(
            responseTo: responseTo, name: EventName.heartbeat,
            arguments: [0x91, 0x00])
    }

    /// `ERR [name, message, traceback]` on the channel `responseTo`.
    static func error(
        responseTo: ArraySlice<UInt8>, name: String, message: String, traceback: String = "",
        extraHeader: [(key: String, value: [UInt8])] = []
    ) -> [UInt8] {
        encode(
            responseTo: responseTo, extraHeader: extraHeader,
            name: EventName.error, arguments: errorArguments(name: name, message: message, traceback: traceback))
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

    /// Appends `text` as a msgpack str (events' pieces off the hot path: error args, the
    /// extension list); events themselves are written with `EventBytes.writeString`.
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        var writer = MessagePackWriter()
        writer.write(text)
        writer.append(to: &bytes)
    }
}
