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

    /// The generated Swift of `Schemas/<schema>` with the options of `variant`.
    private func generated(_ schema: String, variant: Int) throws -> String {
        let displayPath = "Schemas/\(schema)"
        let result = SchemaFrontEnd(readFile: { path in
            FileManager.default.contents(atPath: packageRoot.appending(path: path).path).map { Array($0) }
        }).compile([displayPath])
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        let file = try #require(result.schema.files.first)
        let options = Self.variants[variant].options
        return CodeGenerator(options: options).generate(file, in: result.schema, displayPath: displayPath).source
    }

    @Test(arguments: schemas, [0, 1])
    func generatedSourceMatchesGoldenFile(schema: String, variant: Int) throws {
        let source = try generated(schema, variant: variant)
        let goldenURL = packageRoot.appending(path: "Tests/ZeroRPCCodeGenTests/\(Self.variants[variant].directory)")
            .appending(path: CodeGenerator.outputFileName(for: schema))
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: goldenURL, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(source == golden, "\(goldenURL.path) differs; rerun with UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test(arguments: schemas, [0, 1])
    func generatedLinesFitTheFormatterLineLength(schema: String, variant: Int) throws {
        let long = try generated(schema, variant: variant).split(separator: "\n").map(String.init)
            .filter { $0.count > 120 }
        #expect(long == [])
    }
}
