/// Why a CurveZMQ key or key pair was refused.
public enum CurveKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key is not 40 characters of Z85 text (32 bytes).
    case invalidLength(role: String, count: Int)
    /// A key holds a character outside the Z85 alphabet; `offset` counts from 0.
    case invalidCharacter(role: String, offset: Int)
    /// A key has Z85 characters but does not decode to 32 bytes (a group overflows).
    case invalidEncoding(role: String)
    /// The public key is not the one the secret key derives.
    case mismatchedKeyPair
    /// This libzmq was built without CurveZMQ (`zmq_has("curve")` is 0).
    case curveUnavailable
    /// libzmq could not generate a key pair.
    case generationFailed(errno: Int32)

    public var description: String {
        switch self {
        case .invalidLength(let role, let count):
            "the \(role) must be 40 characters of Z85 text, got \(count)"
        case .invalidCharacter(let role, let offset):
            "the \(role) has a character outside the Z85 alphabet at offset \(offset)"
        case .invalidEncoding(let role): "the \(role) is not a valid Z85 encoding of 32 bytes"
        case .mismatchedKeyPair: "the public key does not belong to the secret key"
        case .curveUnavailable: "this libzmq was built without CurveZMQ support"
        case .generationFailed(let errno): "zmq_curve_keypair failed (errno \(errno))"
        }
    }
}
