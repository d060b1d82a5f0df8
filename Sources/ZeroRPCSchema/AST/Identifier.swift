/// A name as written in a `.rpc` file, with where it was written.
public struct Identifier: Sendable, Hashable {
    public var text: String
    public var range: SourceRange

    public init(_ text: String, range: SourceRange) {
        self.text = text
        self.range = range
    }
}

/// An `@name` or `@name("argument")` before a declaration.
public struct AttributeSyntax: Sendable, Hashable {
    public var name: Identifier
    public var argument: String?
    public var range: SourceRange
}
