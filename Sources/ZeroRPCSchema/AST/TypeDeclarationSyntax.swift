/// `struct Name { fields }` or `error Name { fields }`.
public struct StructSyntax: Sendable, Hashable {
    public var isError: Bool
    public var name: Identifier
    public var fields: [FieldSyntax]
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}

/// `name: type` or `name: type = default`, in a struct, an error or a parameter list.
public struct FieldSyntax: Sendable, Hashable {
    public var name: Identifier
    public var type: TypeSyntax
    public var defaultValue: ValueSyntax?
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}

/// `enum Name { a, b = 2 }`.
public struct EnumSyntax: Sendable, Hashable {
    public var name: Identifier
    public var cases: [EnumCaseSyntax]
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}

/// One enum case, with its explicit integer value if it has one.
public struct EnumCaseSyntax: Sendable, Hashable {
    public var name: Identifier
    public var value: ValueSyntax?
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
}

/// `union Name { caseName: type }`: exactly one of the cases is set.
public struct UnionSyntax: Sendable, Hashable {
    public var name: Identifier
    public var cases: [FieldSyntax]
    public var documentation: [String]
    public var attributes: [AttributeSyntax]
    public var range: SourceRange
}
