import Foundation
import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// The package root, found from this file's path.
let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Compiles in-memory `.rpc` text and generates Swift for `main.rpc`, or "" when it did
/// not compile.
func generatedSource(
    _ text: String, files: [String: String] = [:], options: CodeGeneratorOptions = CodeGeneratorOptions(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> String {
    var all = files
    all["main.rpc"] = text
    let snapshot = all
    let result = SchemaFrontEnd(readFile: { snapshot[$0].map { Array($0.utf8) } }).compile(["main.rpc"])
    #expect(result.diagnostics.map(\.description) == [], sourceLocation: sourceLocation)
    guard let file = result.schema.files.first else { return "" }
    return CodeGenerator(options: options).generate(file, in: result.schema, displayPath: "main.rpc")
}
