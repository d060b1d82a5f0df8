import Testing
import ZeroRPCSchema

/// Compiles in-memory `.rpc` files; the first one is `main.rpc` unless named.
func compile(_ text: String, files: [String: String] = [:]) -> SchemaFrontEnd.Result {
    var all = files
    all["main.rpc"] = text
    let snapshot = all
    return SchemaFrontEnd(readFile: { path in snapshot[path].map { Array($0.utf8) } }).compile(["main.rpc"])
}

/// The diagnostics as printed, `path:line:column: severity: message`.
func diagnostics(_ text: String, files: [String: String] = [:]) -> [String] {
    compile(text, files: files).diagnostics.map(\.description)
}

/// The errors only, without notes.
func errors(_ text: String, files: [String: String] = [:]) -> [String] {
    compile(text, files: files).diagnostics.filter { $0.severity == .error }.map(\.description)
}

/// The checked file `main.rpc`, after expecting no diagnostics at all.
func checkedFile(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> SchemaFile? {
    let result = compile(text)
    #expect(result.diagnostics.map(\.description) == [], sourceLocation: sourceLocation)
    return result.schema.files.first
}
