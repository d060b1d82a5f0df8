import Foundation
import Testing
import ZeroRPCSchema

/// Every example in `Schemas/` compiles without a diagnostic.
@Suite struct SchemasDirectoryTests {
    static let schemasDirectory = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Schemas")

    static var schemaFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: schemasDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".rpc") }.sorted()
    }

    @Test func directoryHoldsTheExamples() {
        #expect(Self.schemaFiles.contains("calculator.rpc"))
        #expect(Self.schemaFiles.count >= 4)
    }

    @Test(arguments: schemaFiles) func compilesWithoutDiagnostics(name: String) {
        let path = Self.schemasDirectory.appending(path: name).path
        let result = SchemaFrontEnd(readFile: { path in
            FileManager.default.contents(atPath: path).map { Array($0) }
        }).compile([path])
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.schema.files.first.map { !$0.types.isEmpty || !$0.services.isEmpty } == true)
    }
}
