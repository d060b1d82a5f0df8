// The IDL fuzz target's property in the normal suite: every committed seed and crash
// regression (Tests/Fuzz/Corpus/schema, Tests/Fuzz/Regressions/schema) ends in
// well-formed diagnostics. A crash or hang `make fuzz` finds goes into
// Regressions/schema to stay fixed.
import Foundation
import Testing

@Suite struct SchemaFuzzCorpusTests {
    static func inputs() throws -> [(name: String, bytes: [UInt8])] {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz")
        var inputs: [(name: String, bytes: [UInt8])] = []
        for folder in ["Corpus/schema", "Regressions/schema"] {
            let directory = fuzz.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") && !name.hasSuffix(".md") {
                inputs.append(
                    ("\(folder)/\(name)", Array(try Data(contentsOf: directory.appendingPathComponent(name)))))
            }
        }
        return inputs
    }

    @Test func everySeedAndRegressionEndsInWellFormedDiagnostics() throws {
        let inputs = try Self.inputs()
        #expect(inputs.count >= 7, "the committed seeds were not found")
        for input in inputs {
            let problems = SchemaFuzzInput.compile(input.bytes).problems
            #expect(problems.isEmpty, "\(input.name): \(problems)")
        }
    }
}
