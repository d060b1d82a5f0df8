/// One ZAP 1.0 request (RFC 27) and the reply it earns; pure, so it is tested without
/// sockets.
///
/// Request frames: version, request id, domain, address, identity, mechanism,
/// credentials… Reply frames: version, request id, status code, status text, user id,
/// metadata.
enum ZAPRequest {
    /// Who a server domain admits.
    enum Admission: Sendable, Equatable {
        case anyClient
        case listed(Set<String>)
    }

    /// The reply to `frames`, given the admission of each registered domain. A curve
    /// client's user id is its public key in Z85, which the server reads back as the
    /// message property "User-Id". NULL-mechanism requests without a domain (which some
    /// libzmq versions send whenever a handler exists) are admitted; anything else this
    /// process did not register is refused.
    static func reply(to frames: [[UInt8]], admission: (String) -> Admission?) -> [[UInt8]] {
        let requestID = frames.count > 1 ? frames[1] : []
        func answer(_ code: String, _ text: String, userID: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), Array(userID.utf8), []]
        }
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else { return answer("400", "malformed request") }
        let domain = String(decoding: frames[2], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        if mechanism == "NULL" && domain.isEmpty { return answer("200", "OK") }
        guard mechanism == "CURVE" else { return answer("400", "mechanism \(mechanism) is not served here") }
        guard frames.count >= 7,
            let key = frames[6].withUnsafeBytes({ CurveKeyPair.encode($0) })
        else { return answer("400", "malformed CURVE credentials") }
        switch admission(domain) {
        case nil: return answer("400", "unknown ZAP domain")
        case .anyClient: return answer("200", "OK", userID: key)
        case .listed(let keys):
            return keys.contains(key) ? answer("200", "OK", userID: key) : answer("400", "client key not allowed")
        }
    }

    /// A handshake the handler refused, for its server's log.
    struct Rejection: Sendable {
        var domain: String
        var reason: String
        /// The client's curve key (Z85), when its credentials were readable.
        var clientKey: String?
        /// The client's address as libzmq reported it.
        var address: String
    }

    /// What `reply` (an answer of `reply(to:admission:)`) refused, or nil when it admitted.
    static func rejection(in reply: [[UInt8]], answering frames: [[UInt8]]) -> Rejection? {
        guard reply.count > 3, reply[2] != Array("200".utf8) else { return nil }
        func text(_ index: Int) -> String { index < frames.count ? String(decoding: frames[index], as: UTF8.self) : "" }
        let key = frames.count >= 7 ? frames[6].withUnsafeBytes { CurveKeyPair.encode($0) } : nil
        return Rejection(
            domain: text(2), reason: String(decoding: reply[3], as: UTF8.self), clientKey: key, address: text(3))
    }
}
