import Testing
import ZeroRPCSchema

/// `import`: resolution relative to the importing file, visibility, missing files, cycles.
@Suite struct ImportTests {
    private func compile(_ files: [String: String], roots: [String]) -> SchemaFrontEnd.Result {
        SchemaFrontEnd(readFile: { path in files[path].map { Array($0.utf8) } }).compile(roots)
    }

    @Test func importIsRelativeToTheImportingFile() {
        let result = compile(
            [
                "api/shop.rpc": "import \"../shared/money.rpc\"\nstruct Item { price: Money }",
                "shared/money.rpc": "struct Money { cents: int }",
            ], roots: ["api/shop.rpc"])
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.schema.files.map(\.path) == ["api/shop.rpc", "shared/money.rpc"])
        #expect(result.schema.files.first?.imports == ["shared/money.rpc"])
    }

    @Test func missingImportIsReportedAtTheFileName() {
        #expect(errors("namespace x\nimport \"nope.rpc\"") == [
            "main.rpc:2:8: error: cannot find imported file `nope.rpc` (looked for `nope.rpc`)"
        ])
    }

    @Test func importCycleIsReportedWithItsPath() {
        let result = compile(
            ["a.rpc": "import \"b.rpc\"", "b.rpc": "import \"c.rpc\"", "c.rpc": "import \"a.rpc\""], roots: ["a.rpc"])
        #expect(result.diagnostics.map(\.description) == [
            "c.rpc:1:8: error: import cycle: a.rpc -> b.rpc -> c.rpc -> a.rpc"
        ])
    }

    @Test func fileImportingItselfIsACycle() {
        #expect(errors("import \"./main.rpc\"") == ["main.rpc:1:8: error: import cycle: main.rpc -> main.rpc"])
    }

    @Test func typesOfFilesNotImportedAreNotVisible() {
        let result = compile(
            ["a.rpc": "struct A { m: Money }", "b.rpc": "struct Money { cents: int }"], roots: ["a.rpc", "b.rpc"])
        #expect(result.diagnostics.map(\.description) == [
            "a.rpc:1:15: error: `Money` is declared in `b.rpc`, which this file does not import; add `import \"b.rpc\"`"
        ])
    }

    @Test func sameTypeNameInTwoFilesNamesBothPlaces() {
        let result = compile(
            ["a.rpc": "import \"b.rpc\"\nstruct Point { x: int }", "b.rpc": "\nstruct Point { y: int }"], roots: ["a.rpc"])
        #expect(result.diagnostics.map(\.description) == [
            "b.rpc:2:8: error: duplicate type name `Point`: a struct with this name is already declared in `a.rpc`",
            "a.rpc:2:8: note: `Point` first declared here",
        ])
    }

    @Test func sameTypeNameInUnrelatedFilesOfOneTargetIsAnError() {
        let result = compile(["a.rpc": "struct P { x: int }", "b.rpc": "enum P { a }"], roots: ["a.rpc", "b.rpc"])
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [
            "b.rpc:1:6: error: duplicate type name `P`: a struct with this name is already declared in `a.rpc`"
        ])
    }

    @Test func fileImportedByTwoFilesIsLoadedOnce() {
        let result = compile(
            [
                "a.rpc": "import \"c.rpc\"\nstruct A { c: C }", "b.rpc": "import \"c.rpc\"\nstruct B { c: C }",
                "c.rpc": "struct C { x: int }",
            ], roots: ["a.rpc", "b.rpc"])
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.schema.files.map(\.path) == ["a.rpc", "c.rpc", "b.rpc"])
    }

    @Test func unreadableRootIsReported() {
        #expect(compile([:], roots: ["gone.rpc"]).diagnostics.map(\.description) == [
            "gone.rpc:1:1: error: cannot read `gone.rpc`"
        ])
    }

    @Test func importingAFileTwiceIsAWarning() {
        #expect(diagnostics("import \"b.rpc\"\nimport \"./b.rpc\"", files: ["b.rpc": ""]) == [
            "main.rpc:2:8: warning: `./b.rpc` is imported twice"
        ])
    }
}
