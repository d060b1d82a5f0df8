extension Checker {
    /// Type names the generated Swift would break on: the runtime module, names each
    /// service nests, and the standard types generated code spells unqualified.
    static let reservedTypeNames: [String: String] = [
        "ZeroRPC": "it is the name of the runtime module that generated code refers to",
        "Service": "every service generates a nested `Service` protocol that would shadow it",
        "Client": "every service generates a nested `Client` struct that would shadow it",
        "ClientProtocol": "every service generates a nested `ClientProtocol` that would shadow it",
        "Events": "every service with one-way methods generates a nested `Events` struct that would shadow it",
        "EventsProtocol": "every service with one-way methods generates a nested `EventsProtocol` that would shadow it",
        "Publisher": "every service with one-way methods generates a nested `Publisher` that would shadow it",
        "Pusher": "every service with one-way methods generates a nested `Pusher` that would shadow it",
        "Swift": "it would shadow the Swift module", "Foundation": "it would shadow the Foundation module",
        "Bool": "it would shadow Swift's `Bool`", "Int64": "it would shadow Swift's `Int64`",
        "UInt64": "it would shadow Swift's `UInt64`", "Double": "it would shadow Swift's `Double`",
        "Float": "it would shadow Swift's `Float`", "String": "it would shadow Swift's `String`",
        "Data": "it would shadow Foundation's `Data`", "Array": "it would shadow Swift's `Array`",
        "Dictionary": "it would shadow Swift's `Dictionary`", "Optional": "it would shadow Swift's `Optional`",
        "Error": "it would shadow Swift's `Error`", "Never": "it would shadow Swift's `Never`",
        "Void": "it would shadow Swift's `Void`", "Sendable": "it would shadow Swift's `Sendable`",
        "Hashable": "it would shadow Swift's `Hashable`", "Codable": "it would shadow Swift's `Codable`",
    ]

    /// Enters the file's types and services in the global table, reporting duplicates
    /// (with a note at the first declaration) and reserved names.
    func declareSymbols(of file: FileSyntax) {
        for declaration in file.declarations {
            let name = declaration.name
            if let reason = Self.reservedTypeNames[name.text] {
                error(
                    "`\(name.text)` cannot be used as \(declaration.keywordWithArticle) name: \(reason)", in: file.path,
                    at: name.range.start)
            } else if TypeReference.builtins[name.text] != nil {
                error("`\(name.text)` is a built-in type and cannot be redeclared", in: file.path, at: name.range.start)
            }
            if let existing = symbols[name.text] {
                let place = existing.path == file.path ? "" : " in `\(existing.path)`"
                error(
                    "duplicate type name `\(name.text)`: \(existing.declaration.keywordWithArticle) with this name is already declared\(place)",
                    in: file.path, at: name.range.start)
                note("`\(name.text)` first declared here", in: existing.path, at: existing.declaration.name.range.start)
                continue
            }
            symbols[name.text] = Symbol(declaration: declaration, path: file.path)
        }
    }
}

/// The type names one file can see: its own declarations and those of the files it imports.
struct Scope {
    unowned let checker: Checker
    let path: String
    let imports: [String]

    func isVisible(_ symbol: Checker.Symbol) -> Bool {
        symbol.path == path || imports.contains(symbol.path)
    }

    /// The names of the visible declarations, for suggestions.
    var visibleTypeNames: [String] {
        checker.symbols.filter { isVisible($0.value) }.compactMap { name, symbol in
            if case .service = symbol.declaration { return nil }
            return name
        }
    }
}

extension DeclarationSyntax {
    /// "a struct", "an enum"…
    var keywordWithArticle: String {
        (keyword.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + keyword
    }
}
