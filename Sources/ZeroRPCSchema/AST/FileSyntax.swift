/// The parse tree of one `.rpc` file.
public struct FileSyntax: Sendable {
    /// The path the file was loaded from.
    public var path: String
    /// The file's text, for cutting out declarations.
    public var text: [UInt8]
    public var namespaces: [NamespaceSyntax] = []
    public var imports: [ImportSyntax] = []
    public var declarations: [DeclarationSyntax] = []

    public init(path: String, text: [UInt8]) {
        self.path = path
        self.text = text
    }

    /// The source text of `range`.
    public func text(of range: SourceRange) -> String {
        let lower = max(0, min(range.startOffset, text.count))
        let upper = max(lower, min(range.endOffset, text.count))
        return String(decoding: text[lower..<upper], as: UTF8.self)
    }
}

/// `namespace calc` or `namespace acme.billing`.
public struct NamespaceSyntax: Sendable, Hashable {
    public var name: Identifier
    public var documentation: [String]
    public var range: SourceRange
}

/// `import "other.rpc"`.
public struct ImportSyntax: Sendable, Hashable {
    public var path: String
    /// The quoted file name.
    public var pathRange: SourceRange
    public var range: SourceRange
}

/// A top-level type or service declaration.
public enum DeclarationSyntax: Sendable, Hashable {
    case structure(StructSyntax)
    case enumeration(EnumSyntax)
    case union(UnionSyntax)
    case service(ServiceSyntax)

    public var name: Identifier {
        switch self {
        case .structure(let declaration): return declaration.name
        case .enumeration(let declaration): return declaration.name
        case .union(let declaration): return declaration.name
        case .service(let declaration): return declaration.name
        }
    }

    /// "struct", "error", "enum", "union" or "service".
    public var keyword: String {
        switch self {
        case .structure(let declaration): return declaration.isError ? "error" : "struct"
        case .enumeration: return "enum"
        case .union: return "union"
        case .service: return "service"
        }
    }
}
