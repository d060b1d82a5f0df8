// The IDL fuzz target's input format and checks (Tests/Fuzz/SchemaFuzz.swift, `make
// fuzz`), shared with SchemaFuzzCorpusTests, which replays the committed seeds and crash
// regressions in the normal suite. The fuzz build compiles this file into a module that is
// itself ZeroRPCSchema, where the import below is ignored.
import ZeroRPCSchema

enum SchemaFuzzInput {
    /// Compiles `bytes` as the fuzz target does: up to the first NUL byte they are
    /// `main.rpc`, the rest is what every other top-level path reads, so imports (and
    /// import cycles) are reached too. Paths with a `/` read as missing: serving them
    /// would be an endless disk (`import "d/x.rpc"` from `d/x.rpc` is `d/d/x.rpc`, and so
    /// on), which no real one is. Returns the result and what is wrong with it (nothing,
    /// for any input, is the property).
    static func compile(_ bytes: [UInt8]) -> (result: SchemaFrontEnd.Result, problems: [String]) {
        let split = bytes.firstIndex(of: 0)
        let main = split.map { Array(bytes[..<$0]) } ?? bytes
        let other = split.map { Array(bytes[($0 + 1)...]) }
        let result = SchemaFrontEnd(readFile: { path in path == "main.rpc" ? main : path.contains("/") ? nil : other })
            .compile(["main.rpc"])
        var problems: [String] = []
        for diagnostic in result.diagnostics {
            if diagnostic.location.line < 1 || diagnostic.location.column < 1 {
                problems.append("diagnostic without a position: \(diagnostic)")
            }
            if diagnostic.path != "main.rpc" && other == nil {
                problems.append("diagnostic for a file that was never read: \(diagnostic)")
            }
        }
        return (result, problems)
    }
}
