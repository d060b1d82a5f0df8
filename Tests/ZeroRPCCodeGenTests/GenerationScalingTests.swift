// Generation time grows linearly with the schema: the printer once counted the Characters
// of everything printed so far at every scope it closed, which made large files quadratic
// (and was 80 % of the IDL fuzz target's time on a 2.6 KB input).
import Testing

@Suite struct GenerationScalingTests {
    /// A schema of `count` structs, each with a nested type and a few fields, and one
    /// service with a method per struct: thousands of scopes over a multi-megabyte text.
    static func largeSchema(_ count: Int) -> String {
        var text = "namespace big\n"
        for index in 0..<count {
            text += "struct Item\(index) { id: int\n name: string\n tags: [string] = []\n next: Item\(index)? }\n"
        }
        text += "service Big {\n"
        for index in 0..<count { text += "  get\(index)(id: int, item: Item\(index)) -> Item\(index)\n" }
        return text + "}\n"
    }

    @Test func aLargeSchemaGeneratesInLinearTime() {
        let schema = Self.largeSchema(1_500)
        let clock = ContinuousClock()
        var source = ""
        let elapsed = clock.measure { source = generatedSource(schema) }
        #expect(source.contains("struct Item1499"))
        #expect(source.utf8.count > 1_000_000)
        // Linear: about a second in a debug build on a loaded machine. Quadratic, as it
        // was: minutes (every closed scope walked the multi-megabyte text so far).
        #expect(elapsed < .seconds(30), "generating \(source.utf8.count) bytes took \(elapsed)")
    }
}
