/// Turns parsed files into the checked `Schema`, reporting every semantic error.
///
/// Names are global within the set of files checked together (one target), as
/// Swift type names are; a file sees its own types and those of the files it
/// imports. The model comes back even when there are errors, with the broken parts
/// left out, so callers decide by `diagnostics.containsErrors` whether to go on.
public final class Checker {
    /// Checks files loaded by `SchemaLoader`.
    public static func check(_ loaded: SchemaLoader.Result) -> (schema: Schema, diagnostics: [Diagnostic]) {
        let checker = Checker(files: loaded.files, imports: loaded.imports)
        let schema = checker.run()
        return (schema, checker.diagnostics)
    }

    struct Symbol {
        var declaration: DeclarationSyntax
        var path: String
    }

    let files: [FileSyntax]
    let importsByPath: [String: [String]]
    /// Every declared type and service by name: the first declaration wins.
    var symbols: [String: Symbol] = [:]
    private(set) var diagnostics: [Diagnostic] = []

    private init(files: [FileSyntax], imports: [String: [String]]) {
        self.files = files
        self.importsByPath = imports
    }

    func error(_ message: String, in path: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.error, message, path: path, at: location))
    }

    func note(_ message: String, in path: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(.note, message, path: path, at: location))
    }

    private func run() -> Schema {
        for file in files { declareSymbols(of: file) }
        var checkedFiles: [SchemaFile] = []
        for file in files {
            let scope = Scope(checker: self, path: file.path, imports: importsByPath[file.path] ?? [])
            checkedFiles.append(checkFile(file, scope: scope))
        }
        let schema = Schema(files: checkedFiles)
        reportStructCycles()
        reportSharedWireNames(in: schema)
        return schema
    }

    private func checkFile(_ file: FileSyntax, scope: Scope) -> SchemaFile {
        for extra in file.namespaces.dropFirst() {
            error("a file has at most one `namespace`", in: file.path, at: extra.range.start)
        }
        let namespace = file.namespaces.first
        var types: [TypeDefinition] = []
        var services: [ServiceDefinition] = []
        for declaration in file.declarations where isFirstDeclaration(declaration, in: file.path) {
            switch declaration {
            case .structure(let syntax):
                var checked = checkStruct(syntax, scope: scope)
                checked.declarationText = file.text(of: syntax.range)
                types.append(.structure(checked))
            case .enumeration(let syntax):
                var checked = checkEnum(syntax, scope: scope)
                checked.declarationText = file.text(of: syntax.range)
                types.append(.enumeration(checked))
            case .union(let syntax):
                var checked = checkUnion(syntax, scope: scope)
                checked.declarationText = file.text(of: syntax.range)
                types.append(.union(checked))
            case .service(let syntax):
                services.append(checkService(syntax, namespace: namespace?.name.text, file: file, scope: scope))
            }
        }
        return SchemaFile(
            path: file.path, namespace: namespace?.name.text, documentation: namespace?.documentation ?? [],
            imports: importsByPath[file.path] ?? [], types: types, services: services)
    }

    /// Duplicates are reported once and then left out of the model.
    private func isFirstDeclaration(_ declaration: DeclarationSyntax, in path: String) -> Bool {
        guard let symbol = symbols[declaration.name.text] else { return false }
        return symbol.path == path && symbol.declaration.name.range == declaration.name.range
    }
}
