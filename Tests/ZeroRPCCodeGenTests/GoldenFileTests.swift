import Foundation
import Testing
import ZeroRPCCodeGen
import ZeroRPCSchema

/// The generated Swift of every `Schemas/*.rpc`, compared with the committed files in
/// `Golden/`. Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change.
@Suite struct GoldenFileTests {
    static let schemas: [String] = {
        let directory = packageRoot.appending(path: "Schemas").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".rpc") }.sorted()
    }()

    /// Golden files for the default options, and for the streaming and deferred API.
    static let variants: [(directory: String, options: GeneratorOptions)] = [
        ("Golden", GeneratorOptions()),
        ("Golden/StreamingAndDeferred", GeneratorOptions(streamingAndDeferredAPI: true)),
    ]

    @Test func everySchemaHasAGoldenFile() {
        #expect(Self.schemas.count >= 5)
    }

    @Test(arguments: schemas, [0, 1])
    func generatedSourceMatchesGoldenFile(schema: String, variant: Int) throws {
        let (directory, options) = Self.variants[variant]
        let displayPath = "Schemas/\(schema)"
        let result = SchemaFrontEnd(readFile: { path in
            FileManager.default.contents(atPath: packageRoot.appending(path: path).path).map { Array($0) }
        }).compile([displayPath])
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        let file = try #require(result.schema.files.first)
        let source = CodeGenerator(options: options).generate(file, in: result.schema, displayPath: displayPath).source
        let goldenURL = packageRoot.appending(path: "Tests/ZeroRPCCodeGenTests/\(directory)")
            .appending(path: CodeGenerator.outputFileName(for: schema))
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(source == golden, "\(goldenURL.path) differs; rerun with UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test(arguments: schemas)
    func generatedLinesFitTheFormatterLineLength(schema: String) throws {
        let golden = try String(
            contentsOf: packageRoot.appending(path: "Tests/ZeroRPCCodeGenTests/Golden")
                .appending(path: CodeGenerator.outputFileName(for: schema)), encoding: .utf8)
        let long = golden.split(separator: "\n").filter { $0.count > 120 }
        #expect(long == [])
    }
}
