/// The whole front end in one call: read, parse and check `.rpc` files.
///
/// ```swift
/// let result = SchemaFrontEnd(readFile: { path in try? Array(Data(contentsOf: URL(filePath: path))) })
///     .compile(["Schemas/calculator.rpc"])
/// result.diagnostics.forEach { print($0) }   // path:line:column: error: message
/// ```
public struct SchemaFrontEnd: Sendable {
    private let loader: SchemaLoader

    public init(readFile: @escaping SchemaLoader.FileReader) {
        loader = SchemaLoader(readFile: readFile)
    }

    /// The result of compiling a set of files.
    public struct Result: Sendable {
        /// The checked model; complete only when `diagnostics` holds no error.
        public var schema: Schema
        /// Syntax errors first (file by file), then semantic ones.
        public var diagnostics: [Diagnostic]
        public var hasErrors: Bool { diagnostics.containsErrors }
    }

    /// Loads `paths` with everything they import and checks them together.
    public func compile(_ paths: [String]) -> Result {
        let loaded = loader.load(paths)
        let (schema, diagnostics) = Checker.check(loaded)
        return Result(schema: schema, diagnostics: loaded.diagnostics + diagnostics)
    }
}
