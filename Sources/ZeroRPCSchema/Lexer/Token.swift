/// One token of a `.rpc` file.
///
/// Words are always `.identifier`; the parser recognises keywords (`struct`,
/// `oneway`, `stream`…) by their text where the grammar expects them, so every
/// keyword stays usable as a field, case or parameter name.
struct Token: Sendable {
    enum Kind: Sendable, Hashable {
        case identifier
        case integer
        case float
        case string
        case leftBrace, rightBrace
        case leftParen, rightParen
        case leftBracket, rightBracket
        case leftAngle, rightAngle
        case colon, comma, dot, question, equals, arrow, at
        case invalid
        case endOfFile
    }

    var kind: Kind
    /// The token's text: a name, the digits of a number (with sign), or a string's decoded value.
    var text: String
    var range: SourceRange
    /// Whether a line break (or the start of the file) comes before this token.
    var isFirstOnLine: Bool
    /// The `///` comment lines right before this token, without the slashes.
    var documentation: [String]

    /// How the token reads in a diagnostic: `` `struct` ``, "end of file", "a string".
    var quoted: String {
        switch kind {
        case .endOfFile: return "end of file"
        case .string: return "a string"
        case .integer, .float: return "number `\(text)`"
        default: return "`\(text)`"
        }
    }

    func isWord(_ word: String) -> Bool {
        kind == .identifier && text == word
    }
}
