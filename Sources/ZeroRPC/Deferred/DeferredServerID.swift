/// The id of the server that issued a ``DeferredToken`` and runs its job.
///
/// A balancing client reads it from the token to poll the server that owns the call; a
/// ``ResultStore`` uses it as the owner of the entry, so that server is the one told about
/// cancellation. Its text is 1 to 64 characters from the URL-safe set `A-Z a-z 0-9 - _`.
public struct DeferredServerID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as it appears inside token text.
    public let text: String

    /// The longest id accepted.
    public static let maximumLength = 64

    /// Parses an id; nil when `text` is empty, too long or holds a character outside
    /// `A-Z a-z 0-9 - _`.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        self.text = text
    }

    /// A fresh id of 16 characters (96 bits) from the system's secure generator.
    public static func random() -> DeferredServerID {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        for _ in 0..<12 { bytes.append(generator.next()) }
        return DeferredServerID(validated: Base64URL.encode(bytes))
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = DeferredServerID(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a deferred server id: \(text.prefix(80))")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    init(validated text: String) {
        self.text = text
    }

    static func isValid<S: StringProtocol>(_ text: S) -> Bool {
        let utf8 = text.utf8
        return !utf8.isEmpty && utf8.count <= maximumLength && utf8.allSatisfy(Base64URL.isAlphabetByte)
    }
}
