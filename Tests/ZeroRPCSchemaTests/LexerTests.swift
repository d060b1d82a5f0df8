import Testing
import ZeroRPCSchema

/// Lexical rules, observed through the parser's diagnostics and the parse tree.
@Suite struct LexerTests {
    @Test func lineAndBlockCommentsAreSkipped() {
        let text = """
            // a comment
            /* a block /* nested */ still comment */ struct A { x: int }
            """
        #expect(diagnostics(text) == [])
    }

    @Test func docCommentsAttachToTheNextDeclaration() {
        let file = Parser.parse(Array("/// First line.\n///Second line.\n//// not doc\nstruct A { x: int }".utf8), path: "a.rpc").file
        guard case .structure(let declaration)? = file.declarations.first else {
            Issue.record("expected a struct")
            return
        }
        #expect(declaration.documentation == ["First line.", "Second line."])
    }

    @Test func unterminatedStringIsReportedAtItsQuote() {
        #expect(errors("import \"common.rpc\nstruct A { x: int }") == [
            "main.rpc:1:8: error: unterminated string; add `\"` before the end of the line",
            "main.rpc:1:8: error: cannot find imported file `common.rpc` (looked for `common.rpc`)",
        ])
    }

    @Test func unterminatedBlockCommentIsReportedAtItsStart() {
        #expect(errors("struct A { x: int }\n  /* never closed\nstruct B {}") == [
            "main.rpc:2:3: error: unterminated comment; add `*/` to close it"
        ])
    }

    @Test func unexpectedCharacterIsReported() {
        #expect(errors("struct A { x: int }\n$ struct B {}") == [
            "main.rpc:2:1: error: unexpected character `$`"
        ])
    }

    @Test func numberFollowedByLettersIsInvalid() {
        #expect(errors("struct A { x: int = 12ab }") == [
            "main.rpc:1:21: error: invalid number `12ab`",
            "main.rpc:1:26: error: expected a value, found `}`",
        ])
    }

    @Test func unknownEscapeInStringIsReported() {
        #expect(errors("struct A { x: string = \"a\\qb\" }") == [
            "main.rpc:1:26: error: unknown escape sequence in string; use \\\\, \\\", \\n, \\r, \\t or \\0"
        ])
    }

    @Test func columnsCountUTF8Bytes() {
        #expect(errors("/// é\nstruct A { é: int }") == [
            "main.rpc:2:12: error: unexpected characters (2 bytes that are not part of the language)",
            "main.rpc:2:14: error: expected a field name in struct `A`, found `:`",
        ])
    }
}
