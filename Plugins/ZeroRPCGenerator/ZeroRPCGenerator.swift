import Foundation
import PackagePlugin

/// Generates Swift for every `.rpc` file of a target: one build command per file, with
/// the file, the files it imports and the nearest `zerorpc-gen.json` as inputs, so
/// touching one `.rpc` file regenerates only what depends on it.
@main
struct ZeroRPCGenerator: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let sourceTarget = target as? SourceModuleTarget else { return [] }
        let schemas = sourceTarget.sourceFiles(withSuffix: "rpc").map(\.url)
        let tool = try context.tool(named: "zerorpc-gen").url
        let outputNames = OutputNames(schemas: schemas, targetDirectory: sourceTarget.directoryURL)
        return schemas.map { schema in
            let output = context.pluginWorkDirectoryURL.appending(path: outputNames.name(for: schema))
            var inputs = [schema] + ImportScanner.imports(of: schema)
            if let configuration = nearestConfiguration(from: schema, stoppingAt: context.package.directoryURL) {
                inputs.append(configuration)
            }
            return .buildCommand(
                displayName: "Generating Swift for \(schema.lastPathComponent)",
                executable: tool,
                arguments: [
                    "generate", schema.path, "--output-file", output.path,
                    "--header-path-root", context.package.directoryURL.path,
                ],
                inputFiles: inputs,
                outputFiles: [output]
            )
        }
    }

    /// The `zerorpc-gen.json` the tool will use, so that editing it regenerates.
    private func nearestConfiguration(from schema: URL, stoppingAt root: URL) -> URL? {
        var directory = schema.deletingLastPathComponent().standardizedFileURL
        let rootPath = root.standardizedFileURL.path
        while true {
            let candidate = directory.appending(path: "zerorpc-gen.json")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            guard directory.path.count > rootPath.count, directory.path != "/" else { return nil }
            directory = directory.deletingLastPathComponent()
        }
    }
}

/// Names generated files after their `.rpc` file (`calculator.swift`), or after the path
/// inside the target when two files share a name (`v1_shop.swift`): Swift needs unique
/// file names within a module.
struct OutputNames {
    private let names: [URL: String]

    init(schemas: [URL], targetDirectory: URL) {
        let baseNames = schemas.map { $0.deletingPathExtension().lastPathComponent }
        var names: [URL: String] = [:]
        for (schema, baseName) in zip(schemas, baseNames) {
            if baseNames.filter({ $0 == baseName }).count == 1 {
                names[schema] = baseName + ".swift"
            } else {
                let relative = schema.deletingPathExtension().path.dropFirst(targetDirectory.path.count + 1)
                names[schema] = relative.replacingOccurrences(of: "/", with: "_") + ".swift"
            }
        }
        self.names = names
    }

    func name(for schema: URL) -> String {
        names[schema] ?? schema.deletingPathExtension().lastPathComponent + ".swift"
    }
}

/// Finds `import "x.rpc"` lines without parsing the language: plugins cannot link the
/// schema library. A wrong guess costs only a missed or extra rebuild; the tool itself
/// reports real errors.
enum ImportScanner {
    static func imports(of schema: URL) -> [URL] {
        var found: [URL] = []
        var queue = [schema.standardizedFileURL]
        var seen: Set<String> = []
        while let file = queue.popLast() {
            guard seen.insert(file.path).inserted,
                let text = try? String(contentsOf: file, encoding: .utf8)
            else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                guard trimmed.hasPrefix("import "), let open = trimmed.firstIndex(of: "\""),
                    let close = trimmed[trimmed.index(after: open)...].firstIndex(of: "\"")
                else { continue }
                let name = String(trimmed[trimmed.index(after: open)..<close])
                let imported = URL(filePath: name, relativeTo: file.deletingLastPathComponent()).standardizedFileURL
                if FileManager.default.fileExists(atPath: imported.path) {
                    found.append(imported)
                    queue.append(imported)
                }
            }
        }
        return found
    }
}
