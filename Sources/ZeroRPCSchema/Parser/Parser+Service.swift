extension Parser {
    /// service = "service" name "{" [ method { sep method } [ sep ] ] "}" ;
    func parseService(documentation: [String], attributes: [AttributeSyntax]) -> ServiceSyntax? {
        guard
            let block = parseBracedDeclaration(
                attributes: attributes, elementName: "a method", element: { parseMethod(in: $0) })
        else { return nil }
        return ServiceSyntax(
            name: block.name, methods: block.elements, documentation: documentation, attributes: attributes,
            range: range(from: block.start))
    }

    /// method = { attribute } [ "oneway" ] name "(" [ field { sep field } [ sep ] ] ")"
    ///          [ "->" result ] [ "throws" name { "," name } ] ;
    private func parseMethod(in what: String) -> MethodSyntax? {
        let documentation = current.documentation
        let attributes = parseAttributes()
        let start = attributes.first?.range ?? current.range
        var oneway: SourceRange?
        if current.isWord("oneway"), peekKind(1) == .identifier {
            oneway = advance().range
        }
        guard let name = expectIdentifier("a method name in \(what)") else { return nil }
        let parametersWhat = "the parameters of `\(name.text)`"
        guard
            let parameters = parseList(
                open: .leftParen, close: .rightParen, of: parametersWhat, elementName: "a parameter",
                element: { parseField(of: parametersWhat) })
        else { return nil }
        var result: ResultSyntax?
        var errors: [Identifier] = []
        if current.isWord("throws"), peekKind(1) == .arrow, !peek(1).isFirstOnLine {
            diagnostics.error(
                "`throws` goes after the result type in a `.rpc` file; write `-> T throws E` instead of `throws -> T`",
                at: current.range.start)
            advance()
        }
        if at(.arrow) {
            advance()
            guard let parsed = parseResult() else { return nil }
            result = parsed
        }
        if current.isWord("throws"), !currentIsFirstOnLine {
            advance()
            guard let parsed = parseErrorList() else { return nil }
            errors = parsed
        }
        return MethodSyntax(
            name: name, oneway: oneway, parameters: parameters, result: result, errors: errors,
            documentation: documentation, attributes: attributes, range: range(from: start))
    }

    /// result = type | "stream" type | "generator" "<" type "," type ">" ;
    private func parseResult() -> ResultSyntax? {
        let keyword = current
        let next = peek(1)
        if keyword.isWord("stream"), !next.isFirstOnLine, next.kind.startsType {
            advance()
            return parseType().map { .stream($0, keyword: keyword.range) }
        }
        if keyword.isWord("generator"), next.kind == .leftAngle {
            advance()
            advance()
            guard let yield = parseType(),
                expect(.comma, "`,`", context: "between the yielded and the sent type of `generator<Y, S>`") != nil,
                let sent = parseType(),
                expect(.rightAngle, "`>`", context: "to close `generator<`") != nil
            else { return nil }
            return .generator(yield: yield, sent: sent, keyword: keyword.range)
        }
        return parseType().map { .value($0) }
    }

    /// The names after `throws`: `E1, E2`. A comma followed by `name(` starts the next method.
    private func parseErrorList() -> [Identifier]? {
        guard let first = expectIdentifier("an error type after `throws`") else { return nil }
        var errors = [first]
        while at(.comma), peekKind(1) == .identifier, !peek(1).isFirstOnLine, peekKind(2) != .leftParen,
            !peek(1).isWord("oneway")
        {
            advance()
            errors.append(Identifier(advance().text, range: previous.range))
        }
        return errors
    }
}

extension Token.Kind {
    /// Whether a token of this kind can begin a type.
    var startsType: Bool {
        self == .identifier || self == .leftBracket || self == .leftBrace
    }
}
