/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
    /// The wire name that was called, e.g. `"calc.add"`.
    public var method: String
    /// The ROUTER identity of the calling peer.
    public var peerIdentity: [UInt8]
    /// The request header as received (tracing ids and other extra keys), decoded when
    /// first asked for: most handlers never look, and decoding it for every call cost
    /// several allocations.
    public var header: MessagePackValue {
        get {
            switch headerStorage {
            case .value(let value):
                return value
            case .raw(let payload, let range):
                var reader = MessagePackReader(payload: payload, startingAt: range.lowerBound)
                return (try? reader.read(MessagePackValue.self)) ?? .map([])
            }
        }
        set { headerStorage = .value(newValue) }
    }

    private enum HeaderStorage: Sendable {
        case value(MessagePackValue)
        /// The header map lies at `range` of an event's payload.
        case raw([UInt8], Range<Int>)
    }

    private var headerStorage: HeaderStorage
    /// The caller's CurveZMQ public key (Z85) on a server with
    /// ``ServerSecurity/curve(keyPair:allowedClientKeys:)``; nil on a plain server.
    public var peerPublicKey: String?
    /// The deferred-result bookkeeping of a call that arrived with a budget; nil otherwise.
    var deferredJob: DeferredJob?

    /// A context, e.g. to call a service implementation directly in a unit test.
    public init(
        method: String, peerIdentity: [UInt8] = [], header: MessagePackValue = .map([]), peerPublicKey: String? = nil
    ) {
        self.method = method
        self.peerIdentity = peerIdentity
        self.headerStorage = .value(header)
        self.peerPublicKey = peerPublicKey
    }

    /// The context of a received call; the header is decoded only if asked for.
    init(method: String, peerIdentity: [UInt8], event: EventEnvelope) {
        self.method = method
        self.peerIdentity = peerIdentity
        self.headerStorage = .raw(event.payload, event.headerRange)
    }

    /// Whether the caller sent a responsiveness budget, so this call may be (or already
    /// is) answered with a deferred token and `progress(_:_:)` is visible to it.
    public var acceptsDeferral: Bool { deferredJob != nil }

    /// Reports how far the call has got, for clients that check a deferred call's
    /// `Deferred.status()`.
    ///
    /// ```swift
    /// await context.progress(0.4, "step 2/5")
    /// ```
    ///
    /// Progress made before the budget runs out is kept and shows once the call is
    /// deferred; for calls without a budget (stock clients, plain calls) it does nothing.
    /// Storage failures are logged, never thrown.
    ///
    /// - Parameters:
    ///   - fraction: How much is done, in `0...1` (clamped; NaN is dropped), or nil.
    ///   - message: A short line of text, or nil.
    public func progress(_ fraction: Double?, _ message: String? = nil) async {
        await deferredJob?.reportProgress(fraction, message)
    }
}
