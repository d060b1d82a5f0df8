/// A declared name in its two spellings: as sent on the wire and as used in Swift.
///
/// Wire names stay exactly as written in the `.rpc` file (`running_total`); Swift
/// names of members are camelCased (`runningTotal`). Names that are Swift keywords
/// (`default`, `class`…) are legal and need backticks in Swift.
public struct Name: Sendable, Hashable {
    /// The name as written, used on the wire.
    public var wire: String
    /// The Swift spelling, without backticks.
    public var swift: String

    /// A type name: same spelling in Swift.
    public init(typeName: String) {
        wire = typeName
        swift = typeName
    }

    /// A member name (field, case, parameter, method): camelCased in Swift.
    public init(memberName: String) {
        wire = memberName
        swift = Name.camelCase(memberName)
    }

    /// Whether the Swift name must be written with backticks.
    public var needsEscaping: Bool { Name.swiftKeywords.contains(swift) }

    /// The Swift name, in backticks when it is a keyword.
    public var escapedSwift: String { needsEscaping ? "`\(swift)`" : swift }

    /// `snake_case` -> `snakeCase`; leading underscores and camelCase names are kept.
    public static func camelCase(_ name: String) -> String {
        let leading = name.prefix { $0 == "_" }
        let parts = name.dropFirst(leading.count).split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return name }
        let rest = parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return String(leading) + first + rest.joined()
    }

    /// `snakeCase` -> `SnakeCase`, for generated names such as `startFactor`.
    public static func capitalized(_ name: String) -> String {
        name.prefix(1).uppercased() + name.dropFirst()
    }

    /// Words that need backticks when used as a Swift identifier.
    public static let swiftKeywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate",
        "func", "import", "init", "inout", "internal", "let", "nonisolated", "open", "operator", "private",
        "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias",
        "var", "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for",
        "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await",
        "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "Type", "Protocol",
    ]
}
