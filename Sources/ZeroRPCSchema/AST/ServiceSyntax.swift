/// `service Name { methods }`.
public struct ServiceSyntax: Sendable, Hashable {
    public var name: Identifier
    public var methods: [MethodSyntax]
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}

/// `[@attributes] [oneway] name(parameters) [-> result] [throws E1, E2]`.
public struct MethodSyntax: Sendable, Hashable {
    public var name: Identifier
    /// The `oneway` keyword, when present.
    public var oneway: SourceRange?
    public var parameters: [FieldSyntax]
    public var result: ResultSyntax?
    public var errors: [Identifier]
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}

/// What follows `->`.
public enum ResultSyntax: Sendable, Hashable {
    /// `-> T`
    case value(TypeSyntax)
    /// `-> stream T`; the range is the `stream` keyword.
    case stream(TypeSyntax, keyword: SourceRange)
    /// `-> generator<Yield, Sent>`; the range is the `generator` keyword.
    case generator(yield: TypeSyntax, sent: TypeSyntax, keyword: SourceRange)
}
