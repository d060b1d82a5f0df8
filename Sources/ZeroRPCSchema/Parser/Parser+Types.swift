extension Parser {
    /// type = ( name | "[" type "]" | "{" type ":" type "}" ) [ "?" ] ;
    func parseType() -> TypeSyntax? {
        let type = parseType(depth: 0)
        if type == nil { skipOverflowedNesting() }
        return type
    }

    private func parseType(depth: Int) -> TypeSyntax? {
        let start = current.range
        guard depth < Parser.maxNesting else {
            diagnostics.error("type is nested too deeply (more than \(Parser.maxNesting) levels)", at: start.start)
            unclosedBracketsAtOverflow = depth
            return nil
        }
        if depth == 0 && currentIsFirstOnLine {
            diagnostics.error("expected a type before the end of the line", at: previous.range.end)
            return nil
        }
        var type: TypeSyntax
        switch peekKind(0) {
        case .identifier:
            let name = advance()
            type = TypeSyntax(kind: .named(Identifier(name.text, range: name.range)), range: name.range)
        case .leftBracket:
            advance()
            guard let element = parseType(depth: depth + 1),
                expect(.rightBracket, "`]`", context: "to close the array type") != nil
            else { return nil }
            type = TypeSyntax(kind: .array(element), range: range(from: start))
        case .leftBrace:
            advance()
            guard let key = parseType(depth: depth + 1),
                expect(.colon, "`:`", context: "between the key and value types of a map") != nil,
                let value = parseType(depth: depth + 1),
                expect(.rightBrace, "`}`", context: "to close the map type") != nil
            else { return nil }
            type = TypeSyntax(kind: .map(key: key, value: value), range: range(from: start))
        default:
            diagnostics.error("expected a type, found \(current.quoted)", at: current.range.start)
            return nil
        }
        if at(.question), !currentIsFirstOnLine {
            advance()
            type = TypeSyntax(kind: .optional(type), range: range(from: start))
            if at(.question), !currentIsFirstOnLine {
                diagnostics.error("a type can be optional only once; remove the extra `?`", at: current.range.start)
                advance()
            }
        }
        return type
    }

    /// value = integer | float | string | name | "[" [ value { "," value } [ "," ] ] "]"
    ///       | "{" [ value ":" value { "," value ":" value } [ "," ] ] "}" ;
    func parseValue() -> ValueSyntax? {
        let value = parseValue(depth: 0)
        if value == nil { skipOverflowedNesting() }
        return value
    }

    private func parseValue(depth: Int) -> ValueSyntax? {
        let start = current
        guard depth < Parser.maxNesting else {
            diagnostics.error(
                "value is nested too deeply (more than \(Parser.maxNesting) levels)", at: start.range.start)
            unclosedBracketsAtOverflow = depth
            return nil
        }
        switch start.kind {
        case .integer:
            advance()
            return ValueSyntax(kind: .integer(text: start.text), range: start.range)
        case .float:
            advance()
            guard let value = Double(start.text) else {
                diagnostics.error("invalid number `\(start.text)`", at: start.range.start)
                return nil
            }
            return ValueSyntax(kind: .float(value), range: start.range)
        case .string:
            advance()
            return ValueSyntax(kind: .string(start.text), range: start.range)
        case .identifier:
            advance()
            return ValueSyntax(kind: .word(start.text), range: start.range)
        case .leftBracket:
            advance()
            guard
                let elements = parseValueElements(
                    closing: .rightBracket, closeText: "]", { parseValue(depth: depth + 1) })
            else { return nil }
            return ValueSyntax(kind: .array(elements), range: range(from: start.range))
        case .leftBrace:
            advance()
            guard
                let entries = parseValueElements(closing: .rightBrace, closeText: "}", { parseMapEntry(depth: depth) })
            else { return nil }
            return ValueSyntax(kind: .map(entries), range: range(from: start.range))
        default:
            diagnostics.error("expected a value, found \(start.quoted)", at: start.range.start)
            return nil
        }
    }

    private func parseMapEntry(depth: Int) -> ValueSyntax.MapEntry? {
        guard let key = parseValue(depth: depth + 1),
            expect(.colon, "`:`", context: "between a key and its value") != nil,
            let value = parseValue(depth: depth + 1)
        else { return nil }
        return ValueSyntax.MapEntry(key: key, value: value)
    }

    /// Comma-separated elements up to `closing`; any error abandons the whole literal.
    private func parseValueElements<Element>(
        closing: Token.Kind, closeText: String, _ element: () -> Element?
    ) -> [Element]? {
        var elements: [Element] = []
        while !at(closing) {
            guard let parsed = element() else { return nil }
            elements.append(parsed)
            guard at(.comma) else { break }
            advance()
        }
        guard expect(closing, "`\(closeText)`", context: "to close the literal") != nil else { return nil }
        return elements
    }
}
