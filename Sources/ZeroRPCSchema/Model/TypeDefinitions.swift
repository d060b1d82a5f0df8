/// A checked `struct` or `error`: named fields.
public struct StructDefinition: Sendable, Hashable {
    public var name: Name
    public var fields: [FieldDefinition]
    public var documentation: [String]
    public var deprecation: Deprecation?
    /// Whether this is an `error` (thrown by methods) rather than a plain struct.
    public var isError: Bool
}

/// A field of a struct or error, or a parameter of a method.
public struct FieldDefinition: Sendable, Hashable {
    public var name: Name
    public var type: TypeReference
    public var defaultValue: DefaultValue?
    public var documentation: [String]
    public var deprecation: Deprecation?

    /// Whether a sender may leave the field out: it is optional or has a default.
    public var isOmittable: Bool { type.isOptional || defaultValue != nil }
}

/// A checked `enum`.
public struct EnumDefinition: Sendable, Hashable {
    public var name: Name
    public var cases: [EnumCaseDefinition]
    public var documentation: [String]
    public var deprecation: Deprecation?

    /// Whether every case has an explicit integer value; such an enum goes on the wire as that integer.
    public var isIntegerValued: Bool { !cases.isEmpty && cases.allSatisfy { $0.value != nil } }
}

/// One case of an enum.
public struct EnumCaseDefinition: Sendable, Hashable {
    public var name: Name
    public var value: Int64?
    public var documentation: [String]
    public var deprecation: Deprecation?
}

/// A checked `union`: exactly one case, each carrying a value.
public struct UnionDefinition: Sendable, Hashable {
    public var name: Name
    public var cases: [FieldDefinition]
    public var documentation: [String]
    public var deprecation: Deprecation?
}

/// `@deprecated` or `@deprecated("message")`.
public struct Deprecation: Sendable, Hashable {
    public var message: String?

    public init(message: String?) {
        self.message = message
    }
}

/// A declared type of any kind.
public enum TypeDefinition: Sendable, Hashable {
    case structure(StructDefinition)
    case enumeration(EnumDefinition)
    case union(UnionDefinition)

    public var name: Name {
        switch self {
        case .structure(let definition): return definition.name
        case .enumeration(let definition): return definition.name
        case .union(let definition): return definition.name
        }
    }
}
