import Foundation
import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// The package root, found from this file's path.
let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Compiles in-memory `.rpc` text and generates Swift for `main.rpc`.
func generate(
    _ text: String, files: [String: String] = [:], options: GeneratorOptions = GeneratorOptions(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> CodeGenerator.Output? {
    var all = files
    all["main.rpc"] = text
    let snapshot = all
    let result = SchemaFrontEnd(readFile: { snapshot[$0].map { Array($0.utf8) } }).compile(["main.rpc"])
    #expect(result.diagnostics.map(\.description) == [], sourceLocation: sourceLocation)
    guard let file = result.schema.files.first else { return nil }
    return CodeGenerator(options: options).generate(file, in: result.schema, displayPath: "main.rpc")
}

/// Generated source for `main.rpc`, or "" when it did not compile.
func generatedSource(_ text: String, options: GeneratorOptions = GeneratorOptions()) -> String {
    generate(text, options: options)?.source ?? ""
}
