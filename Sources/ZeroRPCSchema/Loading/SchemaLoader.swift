/// Reads `.rpc` files and the files they import, and parses them.
///
/// File access is a closure, so this module stays free of I/O: the `zerorpc-gen`
/// tool passes one that reads the disk, tests pass an in-memory dictionary.
public struct SchemaLoader: Sendable {
    /// Returns the bytes of the file at a path, or nil when it cannot be read.
    public typealias FileReader = @Sendable (String) -> [UInt8]?

    private let readFile: FileReader

    public init(readFile: @escaping FileReader) {
        self.readFile = readFile
    }

    /// The parsed files, the requested ones first and then their imports, in the order found.
    public struct Result: Sendable {
        public var files: [FileSyntax]
        /// The resolved import paths of each file, by the file's path.
        public var imports: [String: [String]]
        public var diagnostics: [Diagnostic]
    }

    /// Loads `paths` and everything they import, reporting missing files and import cycles.
    public func load(_ paths: [String]) -> Result {
        var state = LoadState()
        for path in paths {
            let normalized = SchemaPath.normalize(path)
            guard state.files[normalized] == nil else { continue }
            guard let text = readFile(normalized) else {
                state.diagnostics.append(
                    Diagnostic(.error, "cannot read `\(path)`", path: path, at: SourceLocation(line: 1, column: 1)))
                continue
            }
            visit(normalized, text: text, stack: [], state: &state)
        }
        let files = state.order.compactMap { state.files[$0] }
        return Result(files: files, imports: state.imports, diagnostics: state.diagnostics)
    }

    private struct LoadState {
        var files: [String: FileSyntax] = [:]
        var order: [String] = []
        var imports: [String: [String]] = [:]
        var diagnostics: [Diagnostic] = []
    }

    /// Parses one file, then its imports depth-first; `stack` holds the chain of
    /// importing files, so an import of a file on it is a cycle.
    private func visit(_ path: String, text: [UInt8], stack: [String], state: inout LoadState) {
        let (file, diagnostics) = Parser.parse(text, path: path)
        state.files[path] = file
        state.order.append(path)
        state.diagnostics += diagnostics
        var resolved: [String] = []
        let chain = stack + [path]
        for declaration in file.imports {
            let target = SchemaPath.resolve(declaration.path, importedFrom: path)
            let location = declaration.pathRange.start
            if let index = chain.firstIndex(of: target) {
                let cycle = (chain[index...] + [target]).joined(separator: " -> ")
                state.diagnostics.append(Diagnostic(.error, "import cycle: \(cycle)", path: path, at: location))
                continue
            }
            if resolved.contains(target) {
                state.diagnostics.append(
                    Diagnostic(.warning, "`\(declaration.path)` is imported twice", path: path, at: location))
                continue
            }
            resolved.append(target)
            if state.files[target] != nil { continue }
            guard let importedText = readFile(target) else {
                state.diagnostics.append(
                    Diagnostic(.error, "cannot find imported file `\(declaration.path)` (looked for `\(target)`)", path: path, at: location))
                continue
            }
            visit(target, text: importedText, stack: chain, state: &state)
        }
        state.imports[path] = resolved
    }
}
