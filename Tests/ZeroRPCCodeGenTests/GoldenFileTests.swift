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

    @Test func everySchemaHasAGoldenFile() {
        #expect(Self.schemas.count >= 5)
    }

    /// The generated Swift of `Schemas/<schema>` with the default options.
    private func generated(_ schema: String) throws -> String {
        let displayPath = "Schemas/\(schema)"
        let result = SchemaFrontEnd(readFile: { path in
            FileManager.default.contents(atPath: packageRoot.appending(path: path).path).map { Array($0) }
        }).compile([displayPath])
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        let file = try #require(result.schema.files.first)
        return CodeGenerator().generate(file, in: result.schema, displayPath: displayPath)
    }

    @Test(arguments: schemas)
    func generatedSourceMatchesGoldenFile(schema: String) throws {
        let source = try generated(schema)
        let goldenURL = packageRoot.appending(path: "Tests/ZeroRPCCodeGenTests/Golden")
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
        let long = try generated(schema).split(separator: "\n").map(String.init)
            .filter { $0.count > 120 }
        #expect(long == [])
    }
}
