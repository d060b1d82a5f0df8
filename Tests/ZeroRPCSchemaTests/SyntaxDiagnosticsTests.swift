import Testing
import ZeroRPCSchema

/// Syntax errors: message, position, and recovery so that later errors are found too.
@Suite struct SyntaxDiagnosticsTests {
    @Test func unexpectedTokenSaysWhatWasExpected() {
        #expect(errors("struct Point {\n    x double\n}") == [
            "main.rpc:2:7: error: expected `:` and a type after `x`, found `double`"
        ])
    }

    @Test func unknownTopLevelWordIsNotADeclaration() {
        #expect(errors("strukt Point { x: int }") == [
            "main.rpc:1:1: error: expected a declaration (`struct`, `enum`, `union`, `error`, `service`, `namespace` or `import`), found `strukt`"
        ])
    }

    @Test func missingTypeIsReported() {
        #expect(errors("struct P {\n    x:\n    y: int\n}") == [
            "main.rpc:2:7: error: expected a type before the end of the line"
        ])
    }

    @Test func fieldsOnOneLineNeedACommaBetweenThem() {
        #expect(errors("struct P { x: int y: int }") == [
            "main.rpc:1:19: error: expected `,` or a line break after a field, found `y`"
        ])
    }

    @Test func missingClosingBraceIsReportedWithWhereItOpened() {
        #expect(diagnostics("struct P {\n    x: int\n\nstruct Q { y: int }") == [
            "main.rpc:4:1: error: expected `}` to end struct `P`, found `struct`",
            "main.rpc:1:10: note: `{` opened here",
        ])
    }

    @Test func missingClosingBraceAtEndOfFile() {
        #expect(diagnostics("service S {\n    a()") == [
            "main.rpc:2:8: error: expected `}` to end service `S`, found end of file",
            "main.rpc:1:11: note: `{` opened here",
        ])
    }

    @Test func swiftOrderThrowsHasAFixHint() {
        #expect(errors("error E {}\nservice S {\n    f() throws -> int\n}") == [
            "main.rpc:3:9: error: `throws` goes after the result type in a `.rpc` file; write `-> T throws E` instead of `throws -> T`"
        ])
    }

    @Test func typeMayBeOptionalOnlyOnce() {
        #expect(errors("struct P { x: int?? }") == [
            "main.rpc:1:19: error: a type can be optional only once; remove the extra `?`"
        ])
    }

    @Test func generatorNeedsTwoTypes() {
        #expect(errors("service S { g() -> generator<int> }") == [
            "main.rpc:1:33: error: expected `,` between the yielded and the sent type of `generator<Y, S>`, found `>`"
        ])
    }

    @Test func importNeedsAQuotedName() {
        #expect(errors("import common.rpc") == [
            "main.rpc:1:8: error: expected a file name in quotes after `import`, found `common`"
        ])
    }

    @Test func attributeArgumentMustBeAString() {
        #expect(errors("@deprecated(3) struct P {}") == [
            "main.rpc:1:13: error: expected a string argument for `@deprecated`, found number `3`"
        ])
    }

    @Test func everyErrorInAFileIsReported() {
        let text = """
            struct A {
                x int
                y: int
            }
            struct B { z: }
            enum C { a b }
            service D {
                f(x: int -> int
                g() -> int
            }
            """
        #expect(errors(text) == [
            "main.rpc:2:7: error: expected `:` and a type after `x`, found `int`",
            "main.rpc:5:15: error: expected a type, found `}`",
            "main.rpc:6:12: error: expected `,` or a line break after a case, found `b`",
            "main.rpc:8:14: error: expected `,` or a line break after a parameter, found `->`",
        ])
    }

    @Test func attributesCannotDecorateANamespace() {
        #expect(errors("@deferred namespace calc") == [
            "main.rpc:1:1: error: attributes cannot be applied to a namespace"
        ])
    }
}
