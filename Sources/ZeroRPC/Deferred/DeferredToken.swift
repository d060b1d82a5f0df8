/// The handle of a deferred result: whoever holds it may read the result, so it is a
/// capability.
///
/// A token carries 192 bits from the system's secure random generator (`getrandom` on
/// Linux) and the ``DeferredServerID`` of the server that issued it, so a balancing client
/// polls the server that owns the call. It is never derived from a request's
/// `message_id`, which peers may make guessable.
///
/// Its ``text`` is URL-safe and stable: `<server id>.<32 base64url characters>`, for
/// example `srv-a.q2Vx…`. ``description`` shows only a short prefix, so logging a token
/// never leaks it.
public struct DeferredToken: Sendable, Hashable {
    /// The server that issued the token and runs its job.
    public let issuer: DeferredServerID
    private let word0: UInt64
    private let word1: UInt64
    private let word2: UInt64

    /// How many characters of the secret ``description`` shows.
    static let describedSecretCharacters = 4
    private static let secretByteCount = 24
    private static let secretTextLength = 32

    /// A fresh token issued by `issuer`, from the system's secure random generator.
    public init(issuer: DeferredServerID) {
        var generator = SystemRandomNumberGenerator()
        self.issuer = issuer
        word0 = generator.next()
        word1 = generator.next()
        word2 = generator.next()
    }

    /// Parses token text; nil for anything that is not exactly what ``text`` produces
    /// (token text arrives from the network).
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count <= DeferredServerID.maximumLength + 1 + Self.secretTextLength,
            let dot = utf8.lastIndex(of: UInt8(ascii: ".")),
            let issuer = DeferredServerID(String(text[..<dot])),
            let bytes = Base64URL.decodeWholeGroups(utf8[utf8.index(after: dot)...]),
            bytes.count == Self.secretByteCount
        else { return nil }
        self.issuer = issuer
        word0 = Self.word(bytes, at: 0)
        word1 = Self.word(bytes, at: 8)
        word2 = Self.word(bytes, at: 16)
    }

    /// The stable, URL-safe string form: `<issuer>.<secret>`.
    public var text: String {
        issuer.text + "." + secretText
    }

    /// A number from the token's random bits, for spreading tokens over shards.
    var shardingBits: UInt64 { word0 }

    private var secretText: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.secretByteCount)
        for word in [word0, word1, word2] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return Base64URL.encode(bytes)
    }

    private static func word(_ bytes: [UInt8], at start: Int) -> UInt64 {
        bytes[start..<start + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension DeferredToken: CustomStringConvertible {
    /// The issuer and the first characters of the secret only, e.g. `srv-a.q2Vx…`.
    public var description: String {
        issuer.text + "." + secretText.prefix(Self.describedSecretCharacters) + "…"
    }
}

extension DeferredToken: Codable {
    /// Decodes the token from its ``text``; malformed text is a `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let token = DeferredToken(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "malformed deferred token")
        }
        self = token
    }

    /// Encodes the token as its ``text``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension DeferredToken: MessagePackCodable {
    /// Writes the token as a msgpack str holding its ``text``.
    public func encode(to writer: inout MessagePackWriter) {
        writer.write(text)
    }

    /// Reads a token from a msgpack str; malformed text is a `MessagePackDecodingError`.
    public init(from reader: inout MessagePackReader) throws {
        let text = try reader.readString()
        guard let token = DeferredToken(text) else {
            throw MessagePackDecodingError(expected: "deferred token", found: "malformed str")
        }
        self = token
    }
}
