import ArgumentParser
import Foundation
import ZeroRPCCodeGen
import ZeroRPCSchema

/// `zerorpc-gen generate`: one `.swift` file per `.rpc` file named on the command line.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generates Swift for .rpc files; a file is only rewritten when its content changes.",
        discussion: """
            Examples:
              zerorpc-gen generate Schemas/calculator.rpc --output Sources/App/Generated
              zerorpc-gen generate api.rpc --output-file Generated/API.swift --access-level internal
            """
    )

    @OptionGroup var inputs: SchemaInputs

    @Option(help: "The directory for the generated files, each named after its .rpc file.")
    var output: String?

    @Option(help: "The generated file, when exactly one .rpc file is given.")
    var outputFile: String?

    @Option(help: "public or internal; overrides zerorpc-gen.json.")
    var accessLevel: CodeGeneratorOptions.AccessLevel?

    @Option(help: "Paths in the generated header are written relative to this directory.")
    var headerPathRoot: String?

    func validate() throws {
        guard (output == nil) != (outputFile == nil) else {
            throw ValidationError("give either --output <directory> or --output-file <file>")
        }
        if outputFile != nil && inputs.files.count != 1 {
            throw ValidationError("--output-file takes exactly one .rpc file")
        }
    }

    func run() throws {
        let result = inputs.compile()
        guard !result.hasErrors else { throw ExitCode.failure }
        var hasErrors = false
        var written: [String: String] = [:]
        for path in inputs.files {
            let normalized = result.schema.files.first { $0.path == SchemaPath.normalize(path) }
            guard let file = normalized, let options = options(for: path) else {
                hasErrors = true
                continue
            }
            let destination = outputFile ?? (output ?? ".") + "/" + CodeGenerator.outputFileName(for: path)
            if let other = written[destination] {
                let message =
                    "`\(path)` and `\(other)` would both generate `\(destination)`; use --output-file for each"
                report([Diagnostic(.error, message, path: path, at: SourceLocation(line: 1, column: 1))])
                hasErrors = true
                continue
            }
            written[destination] = path
            let generated = CodeGenerator(options: options).generate(
                file, in: result.schema, displayPath: displayPath(of: path))
            try GeneratedFileWriter.write(generated, to: destination)
        }
        if hasErrors { throw ExitCode.failure }
    }

    /// The nearest `zerorpc-gen.json`, then the command-line flags on top.
    private func options(for path: String) -> CodeGeneratorOptions? {
        var options = CodeGeneratorOptions()
        let directory = URL(filePath: path).deletingLastPathComponent().path
        if let configuration = CodeGeneratorConfiguration.nearestFile(
            from: directory, fileExists: FileManager.default.fileExists)
        {
            let bytes = FileManager.default.contents(atPath: configuration).map { Array($0) } ?? []
            switch CodeGeneratorConfiguration.parse(bytes, path: configuration) {
            case .success(let parsed): options = parsed
            case .failure(let error):
                report([error.diagnostic])
                return nil
            }
        }
        if let accessLevel { options.accessLevel = accessLevel }
        return options
    }

    private func displayPath(of path: String) -> String {
        guard let root = headerPathRoot else { return path }
        let absolute = URL(filePath: path).standardizedFileURL.path
        let rootPath = URL(filePath: root).standardizedFileURL.path
        let prefix = rootPath.hasSuffix("/") ? rootPath : rootPath + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : path
    }
}

extension CodeGeneratorOptions.AccessLevel: ExpressibleByArgument {}
