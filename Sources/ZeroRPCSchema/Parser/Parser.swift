/// Builds the parse tree of one `.rpc` file, reporting every syntax error it finds.
///
/// Recursive-descent with error recovery: a broken field, method or declaration is
/// reported, then skipped up to the next separator, line or closing brace, and
/// parsing goes on. Nesting of types and values is limited to `maxNesting` levels, so
/// no input can exhaust the stack.
public final class Parser {
    /// The deepest nesting of `[`/`{` in a type or a default value.
    public static let maxNesting = 32

    let diagnostics: DiagnosticCollector
    private var tokens: TokenStream
    /// The token before `current`, for ranges that end at it.
    private(set) var previous: Token
    /// How many tokens were consumed so far; recovery uses it to guarantee progress.
    private(set) var consumedCount = 0
    /// Set when a type or value went past `maxNesting`: how many brackets were open then.
    var unclosedBracketsAtOverflow: Int?

    /// Parses `text` (the contents of `path`) and returns the tree with the diagnostics.
    public static func parse(_ text: [UInt8], path: String) -> (file: FileSyntax, diagnostics: [Diagnostic]) {
        let parser = Parser(text, path: path)
        let file = parser.parseFile(FileSyntax(path: path, text: text))
        return (file, parser.diagnostics.diagnostics)
    }

    private init(_ text: [UInt8], path: String) {
        diagnostics = DiagnosticCollector(path: path)
        tokens = TokenStream(lexer: Lexer(bytes: text, diagnostics: diagnostics))
        let start = SourceLocation(line: 1, column: 1)
        previous = Token(
            kind: .endOfFile, text: "", range: SourceRange(start: start, end: start, startOffset: 0, endOffset: 0),
            isFirstOnLine: true, documentation: [])
    }

    // MARK: Tokens

    var current: Token { peek(0) }

    /// The token `distance` places ahead; `.invalid` tokens are never returned.
    func peek(_ distance: Int) -> Token { tokens.peek(distance) }

    /// The kind of the token `distance` places ahead. The parser asks for kinds far
    /// more often than for tokens; this reads one without copying the token (its text
    /// and documentation are reference-counted).
    func peekKind(_ distance: Int) -> Token.Kind { tokens.peekKind(distance) }

    /// Whether a line break comes before `current`, without copying it.
    var currentIsFirstOnLine: Bool { tokens.currentIsFirstOnLine }

    var isAtEnd: Bool { peekKind(0) == .endOfFile || diagnostics.isSaturated }

    @discardableResult
    func advance() -> Token {
        let token = tokens.advance()
        if token.kind != .endOfFile { consumedCount += 1 }
        previous = token
        return token
    }

    func at(_ kind: Token.Kind) -> Bool { peekKind(0) == kind }

    /// Consumes a token of `kind`, or reports "expected `what`" and consumes nothing.
    /// `context` is built only for the error (most callers interpolate a name into it).
    @discardableResult
    func expect(_ kind: Token.Kind, _ what: String, context: @autoclosure () -> String? = nil) -> Token? {
        if at(kind) { return advance() }
        let suffix = context().map { " \($0)" } ?? ""
        diagnostics.error("expected \(what)\(suffix), found \(current.quoted)", at: current.range.start)
        return nil
    }

    func expectIdentifier(_ what: String) -> Identifier? {
        guard let token = expect(.identifier, what) else { return nil }
        return Identifier(token.text, range: token.range)
    }

    func range(from start: SourceRange) -> SourceRange {
        start.extended(to: previous.range)
    }

    // MARK: Recovery

    /// After a too-deep type or value, skips to the bracket that closes its outermost level.
    func skipOverflowedNesting() {
        guard var open = unclosedBracketsAtOverflow else { return }
        unclosedBracketsAtOverflow = nil
        while !isAtEnd && open > 0 {
            switch advance().kind {
            case .leftBrace, .leftBracket: open += 1
            case .rightBrace, .rightBracket: open -= 1
            default: break
            }
        }
    }

    /// Skips a broken element up to the next `,` (consumed), line start or `closing`
    /// at the same bracket depth. With `forceProgress`, a token at the start of a
    /// line is skipped too when it is the first one, so the caller cannot loop.
    func skipElement(closing: Token.Kind, forceProgress: Bool) {
        var depth = 0
        var first = forceProgress
        while !isAtEnd {
            let token = current
            if depth == 0 {
                if token.kind == .comma { advance(); return }
                if token.kind == closing { return }
                if !first && token.isFirstOnLine { return }
                if startsTopLevelDeclaration() { return }
            }
            switch token.kind {
            case .leftBrace, .leftBracket, .leftParen: depth += 1
            case .rightBrace, .rightBracket, .rightParen: depth = max(0, depth - 1)
            default: break
            }
            advance()
            first = false
        }
    }

    /// A declaration keyword in column 1 followed by `Name {`: a safe place to resume
    /// even when a closing brace is missing.
    func startsTopLevelDeclaration() -> Bool {
        let token = current
        guard token.isFirstOnLine, token.range.start.column == 1, token.kind == .identifier else { return false }
        switch token.text {
        case "namespace", "import": return true
        case "struct", "error", "enum", "union", "service":
            return peekKind(1) == .identifier && peekKind(2) == .leftBrace
        default: return false
        }
    }

    /// What every braced declaration shares (struct, error, enum, union, service):
    /// `keyword name "{" [ element { sep element } [ sep ] ] "}"`. `element` parses one
    /// member, given the declaration as diagnostics name it (``struct `Point` ``).
    func parseBracedDeclaration<Element>(
        attributes: [AttributeSyntax], elementName: String, element: (_ what: String) -> Element?
    ) -> (keyword: Token, name: Identifier, elements: [Element], start: SourceRange)? {
        let keyword = advance()
        let start = attributes.first?.range ?? keyword.range
        guard let name = expectIdentifier("a name after `\(keyword.text)`") else { return nil }
        let what = "\(keyword.text) `\(name.text)`"
        guard
            let elements = parseList(
                open: .leftBrace, close: .rightBrace, of: what, elementName: elementName, element: { element(what) })
        else { return nil }
        return (keyword, name, elements, start)
    }

    /// Parses `open element (sep element)* [sep] close`, where a separator is a comma
    /// or a line break. Returns nil when `open` is missing.
    func parseList<Element>(
        open: Token.Kind, close: Token.Kind, of what: String, elementName: String,
        element: () -> Element?
    ) -> [Element]? {
        let closeText = close == .rightParen ? ")" : "}"
        guard let opening = expect(open, openText(open), context: "to start \(what)") else { return nil }
        var elements: [Element] = []
        while true {
            if at(close) {
                advance()
                return elements
            }
            if isAtEnd || startsTopLevelDeclaration() {
                diagnostics.error(
                    "expected `\(closeText)` to end \(what), found \(current.quoted)", at: current.range.start)
                diagnostics.note("`\(opening.text)` opened here", at: opening.range.start)
                return elements
            }
            let consumedBefore = consumedCount
            if let parsed = element() {
                elements.append(parsed)
            } else {
                skipElement(closing: close, forceProgress: consumedCount == consumedBefore)
                continue
            }
            if at(.comma) {
                advance()
            } else if !at(close) && !currentIsFirstOnLine && !isAtEnd {
                diagnostics.error(
                    "expected `,` or a line break after \(elementName), found \(current.quoted)",
                    at: current.range.start)
                // A broken parameter list is abandoned: the method's own recovery resumes on the next line.
                if close == .rightParen { return nil }
                skipElement(closing: close, forceProgress: true)
            }
        }
    }

    private func openText(_ kind: Token.Kind) -> String {
        kind == .leftParen ? "`(`" : "`{`"
    }
}

/// The lexer and the tokens read ahead of the parser, in one value: the parser holds it
/// in one stored property, so each question about the next tokens costs one dynamic
/// exclusivity check on the class, not one per property it touches (those checks were
/// a fifth of the front end's time).
private struct TokenStream {
    var lexer: Lexer
    /// Tokens read ahead; `lookahead[head]` is the current one. Consumed tokens are
    /// dropped only when the buffer empties (it holds at most three), so nothing shifts.
    var lookahead: [Token] = []
    var head = 0

    init(lexer: Lexer) {
        self.lexer = lexer
    }

    mutating func peek(_ distance: Int) -> Token {
        fill(distance)
        return lookahead[head + distance]
    }

    mutating func peekKind(_ distance: Int) -> Token.Kind {
        fill(distance)
        return lookahead[head + distance].kind
    }

    var currentIsFirstOnLine: Bool {
        mutating get {
            fill(0)
            return lookahead[head].isFirstOnLine
        }
    }

    /// Consumes the current token and returns it; the end of file is never consumed.
    mutating func advance() -> Token {
        fill(0)
        let token = lookahead[head]
        if token.kind != .endOfFile {
            head += 1
            if head == lookahead.count {
                lookahead.removeAll(keepingCapacity: true)
                head = 0
            }
        }
        return token
    }

    private mutating func fill(_ distance: Int) {
        while lookahead.count - head <= distance {
            var token = lexer.next()
            while token.kind == .invalid { token = lexer.next() }
            lookahead.append(token)
        }
    }
}
