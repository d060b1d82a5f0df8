extension MessagePackReader {
    /// A reader over an event's owned payload, positioned at `offset` (e.g. the args),
    /// sharing the payload's storage instead of copying a slice.
    init(payload: [UInt8], startingAt offset: Int) {
        self.init(bytes: payload)
        position = offset
    }
}
