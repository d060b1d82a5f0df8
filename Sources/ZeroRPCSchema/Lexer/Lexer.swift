/// Splits the bytes of a `.rpc` file into tokens, one at a time.
///
/// Works on UTF-8 bytes with byte columns (as the Swift compiler reports them).
/// Comments (`//`, nested `/* */`) are skipped, `///` comments are attached to the
/// next token. Lexical errors are reported to the collector and lexing goes on, so
/// any input, binary junk included, ends in `.endOfFile`.
struct Lexer {
    private let bytes: [UInt8]
    private let diagnostics: DiagnosticCollector
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    private var sawLineBreak = true
    private var pendingDocumentation: [String] = []

    init(bytes: [UInt8], diagnostics: DiagnosticCollector) {
        self.bytes = bytes
        self.diagnostics = diagnostics
    }

    var location: SourceLocation {
        SourceLocation(line: line, column: offset - lineStart + 1)
    }

    mutating func next() -> Token {
        skipTrivia()
        let start = location
        let startOffset = offset
        guard offset < bytes.count else {
            return makeToken(.endOfFile, "", start: start, startOffset: startOffset)
        }
        let byte = bytes[offset]
        if byte.isIdentifierStart {
            while offset < bytes.count, bytes[offset].isIdentifierContinuation { offset += 1 }
            return makeToken(.identifier, text(from: startOffset), start: start, startOffset: startOffset)
        }
        if byte.isDigit || (byte == UInt8(ascii: "-") && peek(1)?.isDigit == true) {
            return lexNumber(start: start, startOffset: startOffset)
        }
        if byte == UInt8(ascii: "\"") {
            return lexString(start: start, startOffset: startOffset)
        }
        if let kind = punctuation(byte) {
            offset += kind == .arrow ? 2 : 1
            return makeToken(kind, text(from: startOffset), start: start, startOffset: startOffset)
        }
        return lexInvalid(start: start, startOffset: startOffset)
    }

    private func punctuation(_ byte: UInt8) -> Token.Kind? {
        switch byte {
        case UInt8(ascii: "{"): return .leftBrace
        case UInt8(ascii: "}"): return .rightBrace
        case UInt8(ascii: "("): return .leftParen
        case UInt8(ascii: ")"): return .rightParen
        case UInt8(ascii: "["): return .leftBracket
        case UInt8(ascii: "]"): return .rightBracket
        case UInt8(ascii: "<"): return .leftAngle
        case UInt8(ascii: ">"): return .rightAngle
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: "."): return .dot
        case UInt8(ascii: "?"): return .question
        case UInt8(ascii: "="): return .equals
        case UInt8(ascii: "@"): return .at
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: ">"): return .arrow
        default: return nil
        }
    }

    /// A run of characters that cannot start a token becomes one `.invalid` token
    /// and one diagnostic, however long the run.
    private mutating func lexInvalid(start: SourceLocation, startOffset: Int) -> Token {
        repeat {
            offset += 1
        } while offset < bytes.count && !bytes[offset].canStartToken && !bytes[offset].isWhitespace
        let run = bytes[startOffset..<offset]
        if run.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && run.count <= 20 {
            diagnostics.error("unexpected character `\(text(from: startOffset))`", at: start)
        } else {
            diagnostics.error("unexpected characters (\(run.count) bytes that are not part of the language)", at: start)
        }
        // The parser skips invalid tokens unread: no text for them.
        return makeToken(.invalid, "", start: start, startOffset: startOffset)
    }

    private mutating func lexNumber(start: SourceLocation, startOffset: Int) -> Token {
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        var isFloat = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte.isDigit || byte == UInt8(ascii: "_") {
                offset += 1
            } else if byte == UInt8(ascii: "."), !isFloat, peek(1)?.isDigit == true {
                isFloat = true
                offset += 1
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                isFloat = true
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") || bytes[offset] == UInt8(ascii: "+") {
                    offset += 1
                }
            } else {
                break
            }
        }
        if offset < bytes.count, bytes[offset].isIdentifierStart {
            while offset < bytes.count, bytes[offset].isIdentifierContinuation { offset += 1 }
            diagnostics.error("invalid number `\(text(from: startOffset))`", at: start)
            return makeToken(.invalid, text(from: startOffset), start: start, startOffset: startOffset)
        }
        let digits = String(text(from: startOffset).filter { $0 != "_" })
        return makeToken(isFloat ? .float : .integer, digits, start: start, startOffset: startOffset)
    }

    private mutating func lexString(start: SourceLocation, startOffset: Int) -> Token {
        offset += 1
        var value: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                offset += 1
                return makeToken(
                    .string, String(decoding: value, as: UTF8.self), start: start, startOffset: startOffset)
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            if byte == UInt8(ascii: "\\") {
                let escapeLocation = location
                offset += 1
                guard offset < bytes.count, let escaped = Self.escapes[bytes[offset]] else {
                    diagnostics.error(
                        "unknown escape sequence in string; use \\\\, \\\", \\n, \\r, \\t or \\0", at: escapeLocation)
                    continue
                }
                value.append(escaped)
                offset += 1
                continue
            }
            value.append(byte)
            offset += 1
        }
        diagnostics.error("unterminated string; add `\"` before the end of the line", at: start)
        return makeToken(.string, String(decoding: value, as: UTF8.self), start: start, startOffset: startOffset)
    }

    private static let escapes: [UInt8: UInt8] = [
        UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "\""): UInt8(ascii: "\""),
        UInt8(ascii: "n"): UInt8(ascii: "\n"), UInt8(ascii: "r"): UInt8(ascii: "\r"),
        UInt8(ascii: "t"): UInt8(ascii: "\t"), UInt8(ascii: "0"): 0,
    ]

    /// Skips whitespace and comments, remembering line breaks and `///` text.
    private mutating func skipTrivia() {
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\n") {
                offset += 1
                line += 1
                lineStart = offset
                sawLineBreak = true
            } else if byte.isWhitespace {
                offset += 1
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                skipLineComment()
            } else if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                skipBlockComment()
            } else {
                return
            }
        }
    }

    private mutating func skipLineComment() {
        let start = offset
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
        let comment = bytes[start..<offset]
        let isDocumentation =
            comment.count >= 3 && comment[start + 2] == UInt8(ascii: "/")
            && (comment.count == 3 || comment[start + 3] != UInt8(ascii: "/"))
        guard isDocumentation else { return }
        var body = comment.dropFirst(3)
        if body.first == UInt8(ascii: " ") { body = body.dropFirst() }
        while let last = body.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { body = body.dropLast() }
        pendingDocumentation.append(String(decoding: body, as: UTF8.self))
    }

    /// Block comments nest, as in Swift; an unterminated one is reported once.
    private mutating func skipBlockComment() {
        let start = location
        var depth = 0
        while offset < bytes.count {
            if bytes[offset] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                offset += 2
            } else if bytes[offset] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                offset += 2
                if depth == 0 { return }
            } else {
                if bytes[offset] == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = offset + 1
                    sawLineBreak = true
                }
                offset += 1
            }
        }
        diagnostics.error("unterminated comment; add `*/` to close it", at: start)
    }

    private mutating func makeToken(
        _ kind: Token.Kind, _ text: String, start: SourceLocation, startOffset: Int
    ) -> Token {
        let range = SourceRange(start: start, end: location, startOffset: startOffset, endOffset: offset)
        let token = Token(
            kind: kind, text: text, range: range, isFirstOnLine: sawLineBreak, documentation: pendingDocumentation)
        sawLineBreak = false
        pendingDocumentation = []
        return token
    }

    private func text(from start: Int) -> String {
        String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private func peek(_ distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isLetter: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
    }
    fileprivate var isIdentifierStart: Bool { isLetter || self == UInt8(ascii: "_") }
    fileprivate var isIdentifierContinuation: Bool { isIdentifierStart || isDigit }
    fileprivate var isWhitespace: Bool {
        self == UInt8(ascii: " ") || self == UInt8(ascii: "\t") || self == UInt8(ascii: "\r")
            || self == UInt8(ascii: "\n")
    }
    /// A switch, not a search of a string of punctuation: `lexInvalid` asks this of
    /// every byte of a run of junk.
    fileprivate var canStartToken: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"),
            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"),
            UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "?"),
            UInt8(ascii: "="), UInt8(ascii: "@"), UInt8(ascii: "-"), UInt8(ascii: "\""),
            UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
