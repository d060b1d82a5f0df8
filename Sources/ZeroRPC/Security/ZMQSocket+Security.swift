import CZeroMQ
import Logging

extension ZMQSocket {
    /// Makes this socket a CurveZMQ server with a ZAP domain of its own, or leaves it
    /// plain. Call before binding or connecting. `authenticator` must serve this
    /// socket's context.
    func applySecurity(
        _ security: ServerSecurity, authenticator: ZAPAuthenticator = .shared, logger: Logger? = nil
    ) throws(TransportError) {
        guard case .curve(let keyPair, let allowed) = security else { return }
        guard contexts === authenticator.contexts else {
            throw TransportError(operation: "curve server outside its ZAP authenticator's context", code: EINVAL)
        }
        try setOption(ZMQ_CURVE_SERVER, 1)
        try setOption(ZMQ_CURVE_SECRETKEY, string: keyPair.secretKey)
        let registration = try authenticator.register(allowed.map { .listed($0) } ?? .anyClient, logger: logger)
        do {
            try setOption(ZMQ_ZAP_DOMAIN, string: registration.domain)
        } catch {
            registration.cancel()
            throw error
        }
        zapRegistration = registration
    }

    /// Makes this socket a CurveZMQ client, or leaves it plain. The key pair must have
    /// been resolved (`ClientSecurity.resolved()`). Call before binding or connecting.
    func applySecurity(_ security: ClientSecurity) throws(TransportError) {
        guard case .curve(let serverKey, let keyPair) = security else { return }
        guard let keyPair else { throw TransportError(operation: "curve client without a key pair", code: EINVAL) }
        try setOption(ZMQ_CURVE_SERVERKEY, string: serverKey)
        try setOption(ZMQ_CURVE_PUBLICKEY, string: keyPair.publicKey)
        try setOption(ZMQ_CURVE_SECRETKEY, string: keyPair.secretKey)
    }

    /// Whether messages on this socket carry the peer's curve key as "User-Id".
    var readsPeerPublicKey: Bool { zapRegistration != nil }
}
