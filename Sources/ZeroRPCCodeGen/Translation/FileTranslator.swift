import ZeroRPCSchema

/// Decides what Swift to emit for one checked `.rpc` file; `CodePrinter` lays it out.
final class FileTranslator {
    let file: SchemaFile
    let schema: Schema
    let options: CodeGeneratorOptions
    let printer = CodePrinter()
    let typeGraph: TypeGraph

    init(file: SchemaFile, schema: Schema, options: CodeGeneratorOptions) {
        self.file = file
        self.schema = schema
        self.options = options
        self.typeGraph = TypeGraph(schema: schema)
    }

    /// `public ` or nothing.
    var access: String { options.accessModifier }

    /// The whole file: header, imports, then each type and service in declaration order.
    func translate(displayPath: String) -> String {
        printer.line(generatedFileHeader(source: displayPath).trimmingSuffix("\n"))
        printer.blankLine()
        printer.line("import Foundation")
        printer.line("import ZeroRPC")
        for type in file.types {
            printer.blankLine()
            switch type {
            case .structure(let definition): translateStruct(definition)
            case .enumeration(let definition): translateEnum(definition)
            case .union(let definition): translateUnion(definition)
            }
        }
        for service in file.services {
            printer.blankLine()
            translateService(service)
        }
        return printer.text
    }

    /// DocC lines for a declaration, with its deprecation message as a note.
    func documentation(_ lines: [String], deprecation: Deprecation? = nil) {
        printer.documentation(lines)
        if let deprecation {
            if !lines.isEmpty { printer.line("///") }
            printer.line("/// - Note: Deprecated\(deprecation.message.map { ": \($0)" } ?? ".")")
        }
    }

    /// `Sendable, Hashable, Codable`, without `Codable` when the type holds an `any`.
    func valueConformances(of typeName: String) -> String {
        typeGraph.containsAnyValue(typeName) ? "Sendable, Hashable" : "Sendable, Hashable, Codable"
    }

    /// `base`, or `base` with underscores appended until it differs from every name in `taken`.
    func uniqueName(_ base: String, avoiding taken: [Name]) -> String {
        var candidate = base
        while taken.contains(where: { $0.swift == candidate }) { candidate += "_" }
        return candidate
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
