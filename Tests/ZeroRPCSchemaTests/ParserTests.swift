import Testing
import ZeroRPCSchema

/// One test per grammar rule: what a valid construct parses into.
@Suite struct ParserTests {
    private func parse(_ text: String) -> (file: FileSyntax, diagnostics: [String]) {
        let (file, diagnostics) = Parser.parse(Array(text.utf8), path: "a.rpc")
        return (file, diagnostics.map(\.description))
    }

    private func firstStruct(_ text: String) -> StructSyntax? {
        let (file, diagnostics) = parse(text)
        #expect(diagnostics == [])
        guard case .structure(let declaration)? = file.declarations.first else { return nil }
        return declaration
    }

    private func firstService(_ text: String) -> ServiceSyntax? {
        let (file, diagnostics) = parse(text)
        #expect(diagnostics == [])
        guard case .service(let declaration)? = file.declarations.first else { return nil }
        return declaration
    }

    @Test func namespaceMayBeDotted() {
        let (file, diagnostics) = parse("/// Billing.\nnamespace acme.billing")
        #expect(diagnostics == [])
        #expect(file.namespaces.first?.name.text == "acme.billing")
        #expect(file.namespaces.first?.documentation == ["Billing."])
        #expect(file.namespaces.first?.name.range.start == SourceLocation(line: 2, column: 11))
    }

    @Test func importNamesAFileInQuotes() {
        let (file, diagnostics) = parse("import \"shared/common.rpc\"")
        #expect(diagnostics == [])
        #expect(file.imports.map(\.path) == ["shared/common.rpc"])
        #expect(file.imports.first?.pathRange.start == SourceLocation(line: 1, column: 8))
    }

    @Test func structFieldsWithOptionalsAndDefaults() {
        let declaration = firstStruct("struct Point {\n    x: double\n    label: string? = nil\n    tags: [string] = []\n}")
        #expect(declaration?.isError == false)
        #expect(declaration?.name.text == "Point")
        #expect(declaration?.fields.map(\.name.text) == ["x", "label", "tags"])
        #expect(declaration?.fields.map(\.type.spelling) == ["double", "string?", "[string]"])
        #expect(declaration?.fields[1].defaultValue?.kind == .word("nil"))
        #expect(declaration?.fields[2].defaultValue?.kind == .array([]))
        #expect(declaration?.fields[1].range.start == SourceLocation(line: 3, column: 5))
        #expect(declaration?.range.start == SourceLocation(line: 1, column: 1))
        #expect(declaration?.range.end == SourceLocation(line: 5, column: 2))
    }

    @Test func errorDeclarationIsAStructMarkedAsError() {
        let declaration = firstStruct("error DivisionByZero { dividend: double }")
        #expect(declaration?.isError == true)
        #expect(declaration?.fields.map(\.name.text) == ["dividend"])
    }

    @Test func fieldsSeparatedByCommasWithTrailingComma() {
        let declaration = firstStruct("struct P { x: int, y: int, }")
        #expect(declaration?.fields.map(\.name.text) == ["x", "y"])
    }

    @Test func emptyStructParses() {
        #expect(firstStruct("struct Nothing {}")?.fields.isEmpty == true)
    }

    @Test func enumCasesWithAndWithoutValues() {
        let (file, diagnostics) = parse("enum Level {\n    debug = 10, info = -20\n    plain\n}")
        #expect(diagnostics == [])
        guard case .enumeration(let declaration)? = file.declarations.first else {
            Issue.record("expected an enum")
            return
        }
        #expect(declaration.cases.map(\.name.text) == ["debug", "info", "plain"])
        #expect(declaration.cases.map { $0.value?.kind } == [.integer(text: "10"), .integer(text: "-20"), nil])
    }

    @Test func unionCasesCarryTypes() {
        let (file, diagnostics) = parse("union Shape { circle: Circle, label: string }")
        #expect(diagnostics == [])
        guard case .union(let declaration)? = file.declarations.first else {
            Issue.record("expected a union")
            return
        }
        #expect(declaration.cases.map(\.name.text) == ["circle", "label"])
        #expect(declaration.cases.map(\.type.spelling) == ["Circle", "string"])
    }

    @Test func typesNestArraysMapsAndOptionals() {
        let declaration = firstStruct("struct T { a: [[int]]?, b: {string: [Point?]}, c: {int: {string: bytes}}? }")
        #expect(declaration?.fields.map(\.type.spelling) == ["[[int]]?", "{string: [Point?]}", "{int: {string: bytes}}?"])
    }

    @Test func defaultValuesOfEveryKind() {
        let declaration = firstStruct(
            "struct D { a: int = -3, b: double = 1.5e2, c: string = \"hi\\n\", d: bool = true, e: P = low, f: [int] = [1, 2,], g: {string: int} = {\"a\": 1} }"
        )
        #expect(declaration?.fields.compactMap { $0.defaultValue.map(shape) } == [
            "int(-3)", "float(150.0)", "string(hi\n)", "word(true)", "word(low)", "[int(1), int(2)]",
            "{string(a): int(1)}",
        ])
    }

    @Test func methodFormsOfAService() {
        let service = firstService(
            """
            service Calculator {
                /// Adds.
                add(a: int, b: int) -> int
                divide(a: double, b: double) -> double throws DivisionByZero, Overflow
                oneway log(line: string)
                count(to: int) -> stream int
                running_total() -> generator<int, int>
                @deferred factor(n: int) -> [int]
                reset()
            }
            """)
        let methods = service?.methods ?? []
        #expect(methods.map(\.name.text) == ["add", "divide", "log", "count", "running_total", "factor", "reset"])
        #expect(methods.first?.documentation == ["Adds."])
        #expect(methods.first?.parameters.map(\.name.text) == ["a", "b"])
        #expect(methods[1].errors.map(\.text) == ["DivisionByZero", "Overflow"])
        #expect(methods[2].oneway?.start == SourceLocation(line: 5, column: 5))
        #expect(methods[2].result == nil)
        if case .stream(let type, let keyword)? = methods[3].result {
            #expect(type.spelling == "int")
            #expect(keyword.start == SourceLocation(line: 6, column: 23))
        } else {
            Issue.record("expected a stream result")
        }
        if case .generator(let yield, let sent, _)? = methods[4].result {
            #expect([yield.spelling, sent.spelling] == ["int", "int"])
        } else {
            Issue.record("expected a generator result")
        }
        #expect(methods[5].attributes.map(\.name.text) == ["deferred"])
        #expect(methods[6].result == nil && methods[6].parameters.isEmpty)
    }

    @Test func parametersMaySpanLinesWithTrailingComma() {
        let service = firstService("service S {\n    move(\n        x: int\n        y: int = 0,\n    ) -> bool\n}")
        #expect(service?.methods.first?.parameters.map(\.name.text) == ["x", "y"])
    }

    @Test func methodsMayBeSeparatedByCommas() {
        #expect(firstService("service S { a(), b() -> int, c() }")?.methods.map(\.name.text) == ["a", "b", "c"])
    }

    @Test func keywordsAreUsableAsNames() {
        let declaration = firstStruct("struct K { struct: int, oneway: bool, stream: string, throws: int, error: int }")
        #expect(declaration?.fields.map(\.name.text) == ["struct", "oneway", "stream", "throws", "error"])
        #expect(firstService("service S { oneway() }")?.methods.first?.oneway == nil)
    }

    @Test func attributesTakeAnOptionalStringArgument() {
        let declaration = firstStruct("@deprecated(\"use Q\") struct P { @deprecated x: int }")
        #expect(declaration?.attributes.map(\.name.text) == ["deprecated"])
        #expect(declaration?.attributes.first?.argument == "use Q")
        #expect(declaration?.fields.first?.attributes.first?.argument == nil)
    }
}

/// A value's structure as text, without source ranges.
private func shape(_ value: ValueSyntax) -> String {
    switch value.kind {
    case .integer(let text): return "int(\(text))"
    case .float(let number): return "float(\(number))"
    case .string(let text): return "string(\(text))"
    case .word(let word): return "word(\(word))"
    case .array(let elements): return "[" + elements.map(shape).joined(separator: ", ") + "]"
    case .map(let entries): return "{" + entries.map { shape($0.key) + ": " + shape($0.value) }.joined(separator: ", ") + "}"
    }
}
