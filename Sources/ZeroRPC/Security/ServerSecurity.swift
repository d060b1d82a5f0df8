/// How a `Server` authenticates the connections it accepts (``ServerOptions/security``).
public enum ServerSecurity: Sendable, Hashable {
    /// No encryption and no authentication (ZeroMQ's NULL mechanism), as stock zerorpc.
    case none
    /// CurveZMQ: every connection is encrypted and the client proves it holds the secret
    /// key of its public key. Clients must know `keyPair.publicKey`.
    ///
    /// `allowedClientKeys` lists the Z85 public keys admitted; nil admits any client that
    /// completes the handshake. Either way a handler reads the caller's key in
    /// ``ServerContext/peerPublicKey``. Each server gets a ZAP domain of its own, so two
    /// servers in one process keep separate lists.
    case curve(keyPair: CurveKeyPair, allowedClientKeys: Set<String>? = nil)

    /// Throws a `CurveKeyError` naming the first allowed client key that is not Z85.
    public func validate() throws(CurveKeyError) {
        guard case .curve(_, let allowed?) = self else { return }
        for key in allowed.sorted() {
            try CurveKeyPair.validate(key, role: "allowed client key")
        }
    }
}

extension ServerSecurity: CustomStringConvertible {
    /// The mode and public key; never the secret key.
    public var description: String {
        switch self {
        case .none: "none"
        case .curve(let keyPair, let allowed):
            "curve(publicKey: \(keyPair.publicKey), allowedClientKeys: \(allowed.map { "\($0.count) keys" } ?? "any"))"
        }
    }
}

/// How a `Client` authenticates itself and the servers it reaches (``ClientOptions/security``).
public enum ClientSecurity: Sendable, Hashable {
    /// No encryption and no authentication (ZeroMQ's NULL mechanism), as stock zerorpc.
    case none
    /// CurveZMQ against a server whose public key is `serverPublicKey` (Z85). The client
    /// presents `keyPair`; nil makes the `Client` generate one for itself, which suits
    /// servers that admit any client.
    case curve(serverPublicKey: String, keyPair: CurveKeyPair? = nil)

    /// Checks the server key and fills in a generated key pair where none was given.
    func resolved() throws(CurveKeyError) -> ClientSecurity {
        guard case .curve(let serverKey, let keyPair) = self else { return self }
        try CurveKeyPair.validate(serverKey, role: "server public key")
        if keyPair != nil { return self }
        return .curve(serverPublicKey: serverKey, keyPair: try CurveKeyPair.generate())
    }
}

extension ClientSecurity: CustomStringConvertible {
    /// The mode and public keys; never the secret key.
    public var description: String {
        switch self {
        case .none: "none"
        case .curve(let serverKey, let keyPair):
            "curve(serverPublicKey: \(serverKey), publicKey: \(keyPair?.publicKey ?? "generated"))"
        }
    }
}
