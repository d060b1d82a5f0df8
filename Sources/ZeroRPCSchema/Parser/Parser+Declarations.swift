extension Parser {
    /// file = { namespace | import | declaration } ;
    func parseFile(_ initial: FileSyntax) -> FileSyntax {
        var file = initial
        while !isAtEnd {
            let consumedBefore = consumedCount
            let documentation = current.documentation
            let attributes = parseAttributes()
            let keyword = current
            let parsed: Bool
            switch keyword.kind == .identifier ? keyword.text : "" {
            case "namespace":
                rejectAttributes(attributes, on: "a namespace")
                let namespace = parseNamespace(documentation: documentation)
                namespace.map { file.namespaces.append($0) }
                parsed = namespace != nil
            case "import":
                rejectAttributes(attributes, on: "an import")
                let declaration = parseImport()
                declaration.map { file.imports.append($0) }
                parsed = declaration != nil
            default:
                let declaration = parseDeclaration(documentation: documentation, attributes: attributes)
                declaration.map { file.declarations.append($0) }
                parsed = declaration != nil
            }
            if !parsed || consumedCount == consumedBefore {
                skipToNextDeclaration(force: consumedCount == consumedBefore)
            }
        }
        return file
    }

    private func parseDeclaration(documentation: [String], attributes: [AttributeSyntax]) -> DeclarationSyntax? {
        let keyword = current
        switch keyword.kind == .identifier ? keyword.text : "" {
        case "struct", "error":
            return parseStruct(documentation: documentation, attributes: attributes).map { .structure($0) }
        case "enum":
            return parseEnum(documentation: documentation, attributes: attributes).map { .enumeration($0) }
        case "union":
            return parseUnion(documentation: documentation, attributes: attributes).map { .union($0) }
        case "service":
            return parseService(documentation: documentation, attributes: attributes).map { .service($0) }
        default:
            diagnostics.error(
                "expected a declaration (`struct`, `enum`, `union`, `error`, `service`, `namespace` or `import`), found \(keyword.quoted)",
                at: keyword.range.start)
            return nil
        }
    }

    /// Skips to a token that starts a line at bracket depth 0 (or a declaration in
    /// column 1). With `force`, skips at least one token first.
    private func skipToNextDeclaration(force: Bool) {
        var depth = 0
        if !force && currentIsFirstOnLine { return }
        repeat {
            switch advance().kind {
            case .leftBrace, .leftBracket, .leftParen: depth += 1
            case .rightBrace, .rightBracket, .rightParen: depth = max(0, depth - 1)
            default: break
            }
        } while !isAtEnd && !(currentIsFirstOnLine && (depth == 0 || startsTopLevelDeclaration()))
    }

    /// attribute = "@" name [ "(" string ")" ] ;
    func parseAttributes() -> [AttributeSyntax] {
        var attributes: [AttributeSyntax] = []
        while at(.at) {
            let start = advance().range
            guard let name = expectIdentifier("an attribute name after `@`") else { continue }
            var argument: String?
            if at(.leftParen) {
                advance()
                if let value = expect(.string, "a string argument", context: "for `@\(name.text)`") {
                    argument = value.text
                    expect(.rightParen, "`)`", context: "after the argument of `@\(name.text)`")
                } else {
                    while !isAtEnd && !at(.rightParen) && !currentIsFirstOnLine { advance() }
                    if at(.rightParen) { advance() }
                }
            }
            attributes.append(AttributeSyntax(name: name, argument: argument, range: range(from: start)))
        }
        return attributes
    }

    private func rejectAttributes(_ attributes: [AttributeSyntax], on what: String) {
        for attribute in attributes {
            diagnostics.error("attributes cannot be applied to \(what)", at: attribute.range.start)
        }
    }

    /// namespace = "namespace" name { "." name } ;
    private func parseNamespace(documentation: [String]) -> NamespaceSyntax? {
        let start = advance().range
        guard var name = expectIdentifier("a namespace name") else { return nil }
        while at(.dot), !currentIsFirstOnLine {
            advance()
            guard let part = expectIdentifier("a name after `.`") else { return nil }
            name = Identifier(name.text + "." + part.text, range: name.range.extended(to: part.range))
        }
        return NamespaceSyntax(name: name, documentation: documentation, range: range(from: start))
    }

    /// import = "import" string ;
    private func parseImport() -> ImportSyntax? {
        let start = advance().range
        guard let path = expect(.string, "a file name in quotes", context: "after `import`") else { return nil }
        return ImportSyntax(path: path.text, pathRange: path.range, range: range(from: start))
    }

    /// struct = ( "struct" | "error" ) name "{" [ field { sep field } [ sep ] ] "}" ;
    private func parseStruct(documentation: [String], attributes: [AttributeSyntax]) -> StructSyntax? {
        guard
            let block = parseBracedDeclaration(
                attributes: attributes, elementName: "a field", element: { parseField(of: $0) })
        else { return nil }
        return StructSyntax(
            isError: block.keyword.text == "error", name: block.name, fields: block.elements,
            documentation: documentation, attributes: attributes, range: range(from: block.start))
    }

    /// field = { attribute } name ":" type [ "=" value ] ;
    func parseField(of what: String) -> FieldSyntax? {
        let documentation = current.documentation
        let attributes = parseAttributes()
        let start = attributes.first?.range ?? current.range
        guard let name = expectIdentifier("a field name in \(what)") else { return nil }
        guard expect(.colon, "`:` and a type", context: "after `\(name.text)`") != nil else { return nil }
        guard let type = parseType() else { return nil }
        var defaultValue: ValueSyntax?
        if at(.equals) {
            advance()
            guard let value = parseValue() else { return nil }
            defaultValue = value
        }
        return FieldSyntax(
            name: name, type: type, defaultValue: defaultValue, documentation: documentation,
            attributes: attributes, range: range(from: start))
    }

    /// enum = "enum" name "{" [ case { sep case } [ sep ] ] "}" ; case = name [ "=" integer ] ;
    private func parseEnum(documentation: [String], attributes: [AttributeSyntax]) -> EnumSyntax? {
        let block = parseBracedDeclaration(attributes: attributes, elementName: "a case") {
            what -> EnumCaseSyntax? in
            let documentation = current.documentation
            let attributes = parseAttributes()
            guard let caseName = expectIdentifier("a case name in \(what)") else { return nil }
            var value: ValueSyntax?
            if at(.equals) {
                advance()
                guard let parsed = parseValue() else { return nil }
                value = parsed
            }
            return EnumCaseSyntax(name: caseName, value: value, documentation: documentation, attributes: attributes)
        }
        guard let block else { return nil }
        return EnumSyntax(
            name: block.name, cases: block.elements, documentation: documentation, attributes: attributes,
            range: range(from: block.start))
    }

    /// union = "union" name "{" [ field { sep field } [ sep ] ] "}" ;
    private func parseUnion(documentation: [String], attributes: [AttributeSyntax]) -> UnionSyntax? {
        guard
            let block = parseBracedDeclaration(
                attributes: attributes, elementName: "a case", element: { parseField(of: $0) })
        else { return nil }
        return UnionSyntax(
            name: block.name, cases: block.elements, documentation: documentation, attributes: attributes,
            range: range(from: block.start))
    }
}
