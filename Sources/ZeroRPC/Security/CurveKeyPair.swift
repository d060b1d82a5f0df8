import CZeroMQ

/// A CurveZMQ key pair as Z85 text (40 characters per key, 32 bytes decoded).
///
/// The secret key never appears in `description`, `debugDescription` or `dump`; only
/// ``secretKey`` itself reveals it. Keep it out of logs and version control.
///
/// ```swift
/// let serverKeys = try CurveKeyPair.generate()
/// let loaded = try CurveKeyPair(publicKey: publicText, secretKey: secretText)
/// ```
public struct CurveKeyPair: Sendable, Hashable {
    /// The public key, Z85; give it to peers.
    public let publicKey: String
    /// The secret key, Z85; never share or log it.
    public let secretKey: String

    /// A pair from Z85 text, checked: both keys are valid Z85 of 32 bytes and the public
    /// key is the one the secret key derives.
    public init(publicKey: String, secretKey: String) throws(CurveKeyError) {
        try CurveKeyPair.validate(publicKey, role: "public key")
        try CurveKeyPair.validate(secretKey, role: "secret key")
        guard try CurveKeyPair.publicKey(derivedFrom: secretKey) == publicKey else { throw .mismatchedKeyPair }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The pair whose secret key is `secretKey`, its public key derived.
    public init(secretKey: String) throws(CurveKeyError) {
        try CurveKeyPair.validate(secretKey, role: "secret key")
        publicKey = try CurveKeyPair.publicKey(derivedFrom: secretKey)
        self.secretKey = secretKey
    }

    private init(checkedPublicKey: String, secretKey: String) {
        publicKey = checkedPublicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair from libzmq (`zmq_curve_keypair`).
    public static func generate() throws(CurveKeyError) -> CurveKeyPair {
        guard zmq_has("curve") == 1 else { throw .curveUnavailable }
        var publicText = [CChar](repeating: 0, count: 41)
        var secretText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicText, &secretText) == 0 else { throw .generationFailed(errno: zmq_errno()) }
        defer { secretText.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        return CurveKeyPair(checkedPublicKey: text(publicText), secretKey: text(secretText))
    }

    /// Checks that `key` is 40 characters of Z85 decoding to 32 bytes; `role` names it
    /// in the error ("server public key").
    public static func validate(_ key: String, role: String = "key") throws(CurveKeyError) {
        let bytes = Array(key.utf8)
        guard bytes.count == 40 else { throw .invalidLength(role: role, count: key.count) }
        if let offset = bytes.firstIndex(where: { !z85Alphabet.contains($0) }) {
            throw .invalidCharacter(role: role, offset: offset)
        }
        guard decode(key) != nil else { throw .invalidEncoding(role: role) }
    }

    /// The 32 bytes a valid Z85 key encodes, or nil.
    static func decode(_ key: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 32)
        guard key.utf8.count == 40, zmq_z85_decode(&bytes, key) != nil else { return nil }
        return bytes
    }

    /// 32 bytes as Z85 text.
    static func encode(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count == 32, let base = bytes.baseAddress else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, base.assumingMemoryBound(to: UInt8.self), 32) != nil else { return nil }
        return CurveKeyPair.text(text)
    }

    private static func publicKey(derivedFrom secretKey: String) throws(CurveKeyError) -> String {
        guard zmq_has("curve") == 1 else { throw .curveUnavailable }
        var publicText = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicText, secretKey) == 0 else { throw .invalidEncoding(role: "secret key") }
        return text(publicText)
    }

    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static let z85Alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)
}

extension CurveKeyPair: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The public key only; the secret key is redacted.
    public var description: String { "CurveKeyPair(publicKey: \(publicKey), secretKey: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey], displayStyle: .struct) }
}
