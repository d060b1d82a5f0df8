// The IDL fuzz target's property in the normal suite: every committed seed and crash
// regression (Tests/Fuzz/Corpus/schema, Tests/Fuzz/Regressions/schema) ends in
// well-formed diagnostics. A crash or hang `make fuzz` finds goes into
// Regressions/schema to stay fixed.
import Foundation
import Testing
import ZeroRPCTestSupport

@Suite struct SchemaFuzzCorpusTests {
    @Test func everySeedAndRegressionEndsInWellFormedDiagnostics() throws {
        let inputs = try FuzzCorpus.inputs(target: "schema")
        #expect(inputs.count >= 7, "the committed seeds were not found")
        for input in inputs {
            let problems = SchemaFuzzInput.compile(input.bytes).problems
            #expect(problems.isEmpty, "\(input.name): \(problems)")
        }
    }
}
