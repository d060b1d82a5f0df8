/// A literal default value as written: `42`, `-1.5`, `"text"`, `true`, `nil`,
/// an enum case name, `[1, 2]`, `{"a": 1}`.
public struct ValueSyntax: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        /// An integer literal; `text` keeps its sign, so the checker decides which type it fits.
        case integer(text: String)
        case float(Double)
        case string(String)
        /// `true`, `false`, `nil` or an enum case name.
        case word(String)
        case array([ValueSyntax])
        case map([MapEntry])
    }

    public struct MapEntry: Sendable, Hashable {
        public var key: ValueSyntax
        public var value: ValueSyntax
    }

    public var kind: Kind
    public var range: SourceRange
}
