/// A type as written: `int`, `Point`, `[T]`, `{K: V}`, `T?`. Nothing is resolved yet.
public struct TypeSyntax: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case named(Identifier)
        case array(TypeSyntax)
        case map(key: TypeSyntax, value: TypeSyntax)
        case optional(TypeSyntax)
    }

    public var kind: Kind
    public var range: SourceRange

    /// The type as the user wrote it, for diagnostics.
    public var spelling: String {
        switch kind {
        case .named(let name): return name.text
        case .array(let element): return "[\(element.spelling)]"
        case .map(let key, let value): return "{\(key.spelling): \(value.spelling)}"
        case .optional(let wrapped): return "\(wrapped.spelling)?"
        }
    }
}
