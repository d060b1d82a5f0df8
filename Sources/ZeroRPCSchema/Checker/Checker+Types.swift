extension Checker {
    /// Resolves a written type to a built-in or a visible declaration, reporting
    /// unknown names (with a suggestion), services used as types and bad map keys.
    func resolve(_ syntax: TypeSyntax, scope: Scope) -> TypeReference? {
        switch syntax.kind {
        case .named(let name):
            return resolveNamed(name, scope: scope)
        case .optional(let wrapped):
            return resolve(wrapped, scope: scope).map { .optional($0) }
        case .array(let element):
            return resolve(element, scope: scope).map { .array($0) }
        case .map(let keySyntax, let valueSyntax):
            let key = resolve(keySyntax, scope: scope)
            let value = resolve(valueSyntax, scope: scope)
            guard let key, let value else { return nil }
            switch key {
            case .string, .int, .named(_, .enumeration):
                return .map(key: key, value: value)
            default:
                error(
                    "map keys must be `string`, `int` or an enum, not `\(key.spelling)`",
                    in: scope.path, at: keySyntax.range.start)
                return nil
            }
        }
    }

    private func resolveNamed(_ name: Identifier, scope: Scope) -> TypeReference? {
        if let builtin = TypeReference.builtins[name.text] { return builtin }
        guard let symbol = symbols[name.text] else {
            let candidates = scope.visibleTypeNames + TypeReference.builtins.keys
            error(
                "unknown type `\(name.text)`\(NameSuggestion.hint(for: name.text, among: candidates))",
                in: scope.path, at: name.range.start)
            return nil
        }
        guard scope.isVisible(symbol) else {
            error(
                "`\(name.text)` is declared in `\(symbol.path)`, which this file does not import; add `import \"\(symbol.path)\"`",
                in: scope.path, at: name.range.start)
            return nil
        }
        switch symbol.declaration {
        case .structure(let declaration): return .named(name.text, declaration.isError ? .error : .structure)
        case .enumeration: return .named(name.text, .enumeration)
        case .union: return .named(name.text, .union)
        case .service:
            error("`\(name.text)` is a service, not a type", in: scope.path, at: name.range.start)
            return nil
        }
    }

    func checkStruct(_ syntax: StructSyntax, scope: Scope) -> StructDefinition {
        let kind = syntax.isError ? "error" : "struct"
        let fields = checkFields(syntax.fields, of: "\(kind) `\(syntax.name.text)`", scope: scope)
        return StructDefinition(
            name: Name(typeName: syntax.name.text), fields: fields, documentation: syntax.documentation,
            deprecation: checkAttributes(syntax.attributes, on: "a \(kind)", scope: scope).deprecation,
            isError: syntax.isError)
    }

    /// Resolves fields (or parameters), reporting duplicate names, Swift-name
    /// collisions after camelCasing and invalid defaults.
    func checkFields(_ fields: [FieldSyntax], of owner: String, member: String = "field", scope: Scope) -> [FieldDefinition] {
        var names = MemberNames(owner: owner, member: member)
        var checked: [FieldDefinition] = []
        for field in fields {
            let name = Name(memberName: field.name.text)
            let isNew = names.declare(name, at: field.name, checker: self, scope: scope)
            let attributes = checkAttributes(field.attributes, on: "a \(member)", scope: scope)
            guard let type = resolve(field.type, scope: scope), isNew else { continue }
            var defaultValue: DefaultValue?
            if let value = field.defaultValue {
                guard let checkedValue = checkDefault(value, for: type, scope: scope) else { continue }
                defaultValue = checkedValue
            }
            checked.append(
                FieldDefinition(
                    name: name, type: type, defaultValue: defaultValue, documentation: field.documentation,
                    deprecation: attributes.deprecation))
        }
        return checked
    }

    func checkEnum(_ syntax: EnumSyntax, scope: Scope) -> EnumDefinition {
        let owner = "enum `\(syntax.name.text)`"
        if syntax.cases.isEmpty {
            error("\(owner) has no cases", in: scope.path, at: syntax.name.range.start)
        }
        var names = MemberNames(owner: owner, member: "case")
        var values: [Int64: String] = [:]
        var cases: [EnumCaseDefinition] = []
        for enumCase in syntax.cases {
            let name = Name(memberName: enumCase.name.text)
            let isNew = names.declare(name, at: enumCase.name, checker: self, scope: scope)
            let attributes = checkAttributes(enumCase.attributes, on: "an enum case", scope: scope)
            var value: Int64?
            if let syntax = enumCase.value {
                guard let number = enumValue(syntax, scope: scope) else { continue }
                if let other = values[number] {
                    error("\(owner): value \(number) is already used by case `\(other)`", in: scope.path, at: syntax.range.start)
                    continue
                }
                values[number] = enumCase.name.text
                value = number
            }
            guard isNew else { continue }
            cases.append(
                EnumCaseDefinition(
                    name: name, value: value, documentation: enumCase.documentation,
                    deprecation: attributes.deprecation))
        }
        return EnumDefinition(
            name: Name(typeName: syntax.name.text), cases: cases, documentation: syntax.documentation,
            deprecation: checkAttributes(syntax.attributes, on: "an enum", scope: scope).deprecation)
    }

    func checkUnion(_ syntax: UnionSyntax, scope: Scope) -> UnionDefinition {
        let owner = "union `\(syntax.name.text)`"
        if syntax.cases.isEmpty {
            error("\(owner) has no cases", in: scope.path, at: syntax.name.range.start)
        }
        for unionCase in syntax.cases {
            if let value = unionCase.defaultValue {
                error("union cases cannot have default values", in: scope.path, at: value.range.start)
            }
        }
        let withoutDefaults = syntax.cases.map { unionCase in
            var copy = unionCase
            copy.defaultValue = nil
            return copy
        }
        return UnionDefinition(
            name: Name(typeName: syntax.name.text),
            cases: checkFields(withoutDefaults, of: owner, member: "case", scope: scope),
            documentation: syntax.documentation,
            deprecation: checkAttributes(syntax.attributes, on: "a union", scope: scope).deprecation)
    }
}

/// Tracks the member names of one declaration, wire and Swift spelling both.
struct MemberNames {
    let owner: String
    let member: String
    private var byWireName: [String: Identifier] = [:]
    private var bySwiftName: [String: Identifier] = [:]

    init(owner: String, member: String) {
        self.owner = owner
        self.member = member
    }

    /// Records a name; reports and returns false when it repeats another one,
    /// or becomes the same Swift name as another one once camelCased.
    mutating func declare(_ name: Name, at identifier: Identifier, checker: Checker, scope: Scope) -> Bool {
        if let existing = byWireName[name.wire] {
            checker.error("duplicate \(member) `\(name.wire)` in \(owner)", in: scope.path, at: identifier.range.start)
            checker.note("`\(name.wire)` first declared here", in: scope.path, at: existing.range.start)
            return false
        }
        if let existing = bySwiftName[name.swift] {
            checker.error(
                "\(member) `\(name.wire)` in \(owner) has the same Swift name `\(name.swift)` as `\(existing.text)`",
                in: scope.path, at: identifier.range.start)
            checker.note("`\(existing.text)` declared here", in: scope.path, at: existing.range.start)
            return false
        }
        byWireName[name.wire] = identifier
        bySwiftName[name.swift] = identifier
        return true
    }

    /// Claims a generated Swift name (such as `startFactor`) for `identifier`.
    mutating func reserveSwiftName(_ swiftName: String, for identifier: Identifier) -> Identifier? {
        if let existing = bySwiftName[swiftName] { return existing }
        bySwiftName[swiftName] = identifier
        return nil
    }
}
