import Testing
import ZeroRPCSchema

/// No input crashes or hangs the front end; each ends in diagnostics.
@Suite struct RobustnessTests {
    private func compileBytes(_ bytes: [UInt8]) -> SchemaFrontEnd.Result {
        SchemaFrontEnd(readFile: { _ in bytes }).compile(["junk.rpc"])
    }

    @Test func emptyFileIsValidAndEmpty() {
        let result = compile("")
        #expect(result.diagnostics.isEmpty)
        #expect(result.schema.files.first?.types.isEmpty == true)
    }

    @Test func binaryJunkEndsInABoundedNumberOfDiagnostics() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let result = compileBytes(bytes)
        #expect(result.hasErrors)
        #expect(result.diagnostics.count <= 101 + 1)
        #expect(result.diagnostics.allSatisfy { $0.description.hasPrefix("junk.rpc:") })
    }

    @Test func tooManyErrorsStopsWithANote() {
        let text = String(repeating: "x\n", count: 500)
        let found = diagnostics(text)
        #expect(found.count == 101)
        #expect(found.last == "main.rpc:100:1: note: too many errors (100); stopping here")
    }

    @Test func tenMegabyteFileIsParsedCompletely() {
        var text = "namespace big\n"
        var index = 0
        while text.utf8.count < 10_000_000 {
            text += "struct S\(index) { a: int, b: [string] = [], c: {string: double}? }\n"
            index += 1
        }
        let result = compile(text)
        #expect(result.diagnostics.isEmpty)
        #expect(result.schema.files.first?.types.count == index)
    }

    @Test func tenMegabytesWithoutALineBreakEnds() {
        let result = compileBytes(Array(repeating: UInt8(ascii: "x"), count: 10_000_000))
        #expect(result.diagnostics.map(\.description) == [
            "junk.rpc:1:1: error: expected a declaration (`struct`, `enum`, `union`, `error`, `service`, `namespace` or `import`), found `\(String(repeating: "x", count: 10_000_000))`"
        ])
    }

    @Test func unterminatedBlockCommentAtEndOfFile() {
        #expect(errors("/* /* nested and never closed */") == ["main.rpc:1:1: error: unterminated comment; add `*/` to close it"])
    }

    @Test func unterminatedStringAtEndOfFile() {
        #expect(errors("import \"never closed") == [
            "main.rpc:1:8: error: unterminated string; add `\"` before the end of the line",
            "main.rpc:1:8: error: cannot find imported file `never closed` (looked for `never closed`)",
        ])
    }

    @Test func deeplyNestedTypeHitsTheDepthLimit() {
        let depth = 100_000
        let text = "struct P { x: " + String(repeating: "[", count: depth) + "int" + String(repeating: "]", count: depth) + " }\nstruct Q { y: Missing }"
        #expect(errors(text) == [
            "main.rpc:1:47: error: type is nested too deeply (more than 32 levels)",
            "main.rpc:2:15: error: unknown type `Missing`",
        ])
    }

    @Test func deeplyNestedUnclosedTypeEnds() {
        let text = "struct P { x: " + String(repeating: "[", count: 1_000_000)
        #expect(errors(text).first == "main.rpc:1:47: error: type is nested too deeply (more than 32 levels)")
    }

    @Test func deeplyNestedValueHitsTheDepthLimit() {
        let text = "struct P { x: [int] = " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + " }"
        #expect(errors(text) == ["main.rpc:1:55: error: value is nested too deeply (more than 32 levels)"])
    }

    @Test func deeplyNestedMapTypeHitsTheDepthLimit() {
        let text = "struct P { x: " + String(repeating: "{string: ", count: 40) + "int" + String(repeating: "}", count: 40) + " }"
        #expect(errors(text) == ["main.rpc:1:295: error: type is nested too deeply (more than 32 levels)"])
    }

    @Test func longChainOfStructsIsChecked() {
        let count = 20_000
        var text = ""
        for index in 0..<count { text += "struct S\(index) { next: S\(index + 1) }\n" }
        text += "struct S\(count) { first: S0 }\n"
        #expect(errors(text) == [
            "main.rpc:1:13: error: `S0` contains itself through the non-optional fields \(Array(repeating: "`next`", count: count).joined(separator: " -> ")) -> `first`; make one of them optional or a list"
        ])
    }

    @Test func onlyPunctuationEnds() {
        #expect(!errors(String(repeating: "}{)(][><:,.?=@->", count: 10_000)).isEmpty)
    }
}
