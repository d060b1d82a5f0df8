import ZeroRPCSchema

/// Turns one checked `.rpc` file into Swift source. Pure: no file access.
///
/// ```swift
/// let output = CodeGenerator(options: .init()).generate(file, in: schema, displayPath: "Schemas/calculator.rpc")
/// ```
public struct CodeGenerator: Sendable {
    /// The choices applied to every file generated.
    public var options: CodeGeneratorOptions

    public init(options: CodeGeneratorOptions = CodeGeneratorOptions()) {
        self.options = options
    }

    /// The Swift file, header included, for the declarations of `file`; `schema` resolves
    /// the types it imports. `displayPath` is the path written in the header.
    public func generate(_ file: SchemaFile, in schema: Schema, displayPath: String) -> String {
        FileTranslator(file: file, schema: schema, options: options).translate(displayPath: displayPath)
    }

    /// `Schemas/calculator.rpc` -> `calculator.swift`.
    public static func outputFileName(for path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return (base.hasSuffix(".rpc") ? String(base.dropLast(4)) : base) + ".swift"
    }
}
