import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// What the translator emits for particular constructs; `GoldenFileTests` covers whole files.
@Suite struct TranslationTests {
    @Test func snakeCaseMethodsBecomeCamelCaseWithWireNameKept() {
        let source = generatedSource("namespace n\nservice S { running_total(start_value: int) -> int }")
        #expect(
            source.contains(
                "func runningTotal(startValue: Int64, context: ZeroRPC.ServerContext) async throws -> Int64"))
        #expect(source.contains("\"n.running_total\", options: options"))
        #expect(source.contains(".unary(\"running_total\", parameters: [.init(name: \"start_value\")]"))
    }

    @Test func keywordsAreEscapedInDeclarationsButNotInArgumentLabels() {
        let source = generatedSource("struct P { default: bool }\nservice S { f(class: string) }")
        #expect(source.contains("public var `default`: Bool"))
        #expect(source.contains("func f(`class`: String, context: ZeroRPC.ServerContext) async throws"))
        #expect(source.contains("try await self.f(class: `class`, context: context)"))
    }

    @Test func generatedLocalsStepAsideForParametersOfTheSameName() {
        let source = generatedSource("service S { f(writer: int, arguments: int) }")
        #expect(source.contains("arguments: { writer_ in"))
        #expect(source.contains("writer_.write(writer)"))
        #expect(source.contains("{ arguments_, context in"))
    }

    @Test func internalAccessLevelDropsPublic() {
        let source = generatedSource(
            "struct P { x: int }\nservice S { f() }", options: CodeGeneratorOptions(accessLevel: .internal))
        #expect(!source.contains("public"))
        #expect(source.contains("struct P: Sendable, Hashable, Codable {"))
    }

    @Test func documentationBecomesDocC() {
        let source = generatedSource(
            "/// A point.\nstruct P {\n    /// The x.\n    x: int\n}\nservice S {\n    /// Does f.\n    f(\n        /// The a.\n        a: int\n    )\n}"
        )
        #expect(source.contains("/// A point.\npublic struct P"))
        #expect(source.contains("    /// The x.\n    public var x: Int64"))
        #expect(
            source.contains(
                "        /// Does f.\n        ///\n        /// - Parameters:\n        ///   - a: The a.\n        func f(a: Int64"
            ))
    }

    @Test func deprecatedMethodsAreDeprecatedForCallers() {
        let source = generatedSource("service S { @deprecated(\"use g\") f() }")
        #expect(
            source.contains(
                "@available(*, deprecated, message: \"use g\")\n        func f(options: ZeroRPC.CallOptions)"))
    }

    @Test func streamsGeneratorsAndDeferredCallsAreGeneratedByDefault() {
        let source = generatedSource(
            "service S {\n    f(n: int) -> stream int\n    g() -> generator<int, string>\n    @deferred h() -> int\n}")
        #expect(
            source.contains(
                "func f(n: Int64, stream: ZeroRPC.StreamWriter<Int64>, context: ZeroRPC.ServerContext) async throws"))
        #expect(
            source.contains(
                "func g(generator: ZeroRPC.GeneratorContext<Int64, String>, context: ZeroRPC.ServerContext) async throws"
            ))
        #expect(
            source.contains(
                "func f(n: Int64, options: ZeroRPC.CallOptions) async throws -> ZeroRPC.ResponseStream<Int64>"))
        #expect(
            source.contains("func g(options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Generator<Int64, String>"))
        #expect(source.contains("try await self.client.stream(\n"))
        #expect(source.contains("try await self.client.generator(\n"))
        #expect(source.contains(".stream(\"f\", parameters: [.init(name: \"n\")], doc: nil, element: Int64.self)"))
        #expect(source.contains("            .generator(\n                \"g\",\n"))
        #expect(source.contains("func startH(options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Deferred<Int64>"))
        #expect(source.contains("func resumeH(token: ZeroRPC.DeferredToken) -> ZeroRPC.Deferred<Int64>"))
        #expect(source.contains("try await self.client.startDeferred(\n"))
        #expect(source.contains("self.client.resumeDeferred(\n"))
        #expect(source.contains("        try await startH(options: options).value\n"))
        #expect(!source.contains("Not generated"))
    }

    @Test func typesHoldingAnyAreNotCodable() {
        let source = generatedSource("struct A { v: any }\nstruct B { a: [A] }\nstruct C { x: int }")
        #expect(source.contains("public struct A: Sendable, Hashable {"))
        #expect(source.contains("public struct B: Sendable, Hashable {"))
        #expect(source.contains("public struct C: Sendable, Hashable, Codable {"))
    }

    @Test func recursiveUnionIsIndirectAndSelfReferencingOptionalIsBoxed() {
        let source = generatedSource("union E { n: int, neg: E }\nunion F { n: int }\nstruct N { next: N?, all: [N] }")
        #expect(source.contains("public indirect enum E: Sendable, Hashable, Codable {"))
        #expect(source.contains("public enum F: Sendable, Hashable, Codable {"))
        #expect(source.contains("    private var _next: [N]\n"))
        #expect(source.contains("    public var all: [N]\n"))
    }

    @Test func defaultsAreAppliedInInitializerDecoderAndIntrospection() {
        let source = generatedSource(
            "enum E { a, b }\nstruct P { e: E = b, m: {string: double} = {\"x\": 1} }\nservice S { f(n: int = 4, e: E = a, s: string?) }"
        )
        #expect(source.contains("public init(e: E = .b, m: [String: Double] = [\"x\": 1.0])"))
        #expect(source.contains("self.m = m ?? [\"x\": 1.0]"))
        #expect(source.contains(".init(name: \"n\", default: .int(4)),\n"))
        #expect(source.contains(".init(name: \"e\", default: .string(\"a\")),\n"))
        #expect(source.contains(".init(name: \"s\", default: .nil),\n"))
        #expect(source.contains("let n = try arguments.next(Int64.self, name: \"n\", default: 4)"))
        #expect(source.contains("public func f(n: Int64 = 4, e: E = .a, s: String? = nil) async throws"))
    }

    @Test func outputFileIsNamedAfterTheSchema() {
        #expect(CodeGenerator.outputFileName(for: "Schemas/calculator.rpc") == "calculator.swift")
        #expect(CodeGenerator.outputFileName(for: "api") == "api.swift")
    }

    @Test func headerNamesTheSourceFile() {
        #expect(
            generatedFileHeader(source: "Schemas/calculator.rpc")
                == "// Generated by zerorpc-gen from Schemas/calculator.rpc. Do not edit.\n")
        #expect(
            generatedSource("struct P {}").hasPrefix(
                "// Generated by zerorpc-gen from main.rpc. Do not edit.\n\nimport Foundation\nimport ZeroRPC\n"))
    }

    @Test func outputIsDeterministic() {
        let text =
            "enum E { a, b }\nstruct P { m: {E: int}, n: {string: int} = {\"b\": 1, \"a\": 2} }\nservice S { f(p: P) -> P }"
        let first = generatedSource(text)
        #expect(!first.isEmpty)
        for _ in 0..<5 { #expect(generatedSource(text) == first) }
    }

    @Test func interfaceTextIsARawStringNothingInItCanEndOrInterpolate() {
        let source = generatedSource("service S {\n    f() // a \"# quote and a \\#(x) and \"##\n}")
        #expect(
            source.contains(
                "        ###\"\"\"\n        service S {\n            f() // a \"# quote and a \\#(x) and \"##\n        }\n        \"\"\"###\n"
            ))
    }

    @Test func emptyStructHasAnEmptyInitializerAndSkipsEveryKey() {
        let source = generatedSource("struct Empty {}\nerror Nope {}")
        #expect(source.contains("    public init() {}\n"))
        #expect(source.contains("            _ = try reader.readStringKey()\n            try reader.skipValue()\n"))
        #expect(source.contains("extension Nope: ZeroRPC.DeclaredError {"))
    }
}
