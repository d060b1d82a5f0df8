/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
    /// The wire name that was called, e.g. `"calc.add"`.
    public var method: String
    /// The ROUTER identity of the calling peer.
    public var peerIdentity: [UInt8]
    /// The request header as received (tracing ids and other extra keys).
    public var header: MessagePackValue

    /// A context, e.g. to call a service implementation directly in a unit test.
    public init(method: String, peerIdentity: [UInt8] = [], header: MessagePackValue = .map([])) {
        self.method = method
        self.peerIdentity = peerIdentity
        self.header = header
    }
}
