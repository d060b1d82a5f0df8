import Foundation
import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// The IDL text `_zerorpc_inspect` returns for a service: a `.rpc` file of its own that
/// carries every type the service uses, so a tool can rebuild them.
@Suite struct InterfaceTextTests {
    /// The raw string literal the generator wrote for `interfaceDefinition`.
    private func interfaceText(in source: String) -> String? {
        guard let start = source.range(of: "static var interfaceDefinition: String {\n") else { return nil }
        let lines = source[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        guard let open = lines.first, open.hasSuffix("\"\"\"") else { return nil }
        let indent = open.prefix { $0 == " " }
        let body = lines.dropFirst().prefix { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("\"\"\"") }
        return body.map { $0.hasPrefix(indent) ? String($0.dropFirst(indent.count)) : String($0) }
            .joined(separator: "\n")
    }

    @Test func carriesEveryUsedTypeTransitivelyAndNoOthers() throws {
        let source = generatedSource(
            """
            namespace shop
            import "common.rpc"
            /// Not used by the service.
            struct Unused { x: int }
            /// A line of an order.
            struct Item { name: string, price: Money }
            error SoldOut { name: string }
            service Shop {
                /// Totals the items.
                total(items: [Item]) -> Money throws SoldOut
                watch() -> stream {string: Currency}
            }
            """,
            files: ["common.rpc": "enum Currency { eur, usd }\nstruct Money { amount: int, currency: Currency = eur }"])
        let text = try #require(interfaceText(in: source))
        #expect(text.hasPrefix("namespace shop\n\n"))
        #expect(text.contains("/// A line of an order.\nstruct Item { name: string, price: Money }"))
        #expect(text.contains("error SoldOut { name: string }"))
        #expect(text.contains("enum Currency { eur, usd }"))
        #expect(text.contains("struct Money { amount: int, currency: Currency = eur }"))
        #expect(!text.contains("Unused"))
        #expect(
            text.hasSuffix(
                "service Shop {\n    /// Totals the items.\n    total(items: [Item]) -> Money throws SoldOut\n    watch() -> stream {string: Currency}\n}"
            ))

        // It compiles on its own, without the import, into the same service.
        let bytes = Array(text.utf8)
        let result = SchemaFrontEnd(readFile: { $0 == "inspect.rpc" ? bytes : nil }).compile(["inspect.rpc"])
        #expect(result.diagnostics.map(\.description) == [])
        let file = try #require(result.schema.files.first)
        #expect(file.namespace == "shop")
        #expect(file.types.map(\.name.wire) == ["Item", "SoldOut", "Currency", "Money"])
        #expect(file.services.first?.methods.map(\.name.wire) == ["total", "watch"])
        #expect(file.services.first?.methods.first?.documentation == ["Totals the items."])
    }

    @Test func everySchemaInterfaceCompilesOnItsOwn() throws {
        let schemas = packageRoot.appending(path: "Schemas")
        for name in ["calculator", "errors", "naming", "shop", "types"] {
            let path = schemas.appending(path: "\(name).rpc").path
            let result = SchemaFrontEnd(readFile: { try? Array(Data(contentsOf: URL(filePath: $0))) }).compile([path])
            let file = try #require(result.schema.files.first)
            let source = CodeGenerator(options: CodeGeneratorOptions()).generate(
                file, in: result.schema, displayPath: name)
            let text = try #require(interfaceText(in: source), "\(name).rpc")
            let bytes = Array(text.utf8)
            let compiled = SchemaFrontEnd(readFile: { $0 == "i.rpc" ? bytes : nil }).compile(["i.rpc"])
            #expect(compiled.diagnostics.map(\.description) == [], "\(name).rpc")
            #expect(compiled.schema.files.first?.services.map(\.name) == file.services.map(\.name), "\(name).rpc")
        }
    }
}
