// libFuzzer entry point for the IDL front end (lexer, parser, checker) and, when a file
// checks clean, the code generator; built by `make fuzz` with swiftc, the sources of
// ZeroRPCSchema and ZeroRPCCodeGen compiled into this module.
//
// The input is one or two files: up to the first NUL byte it is `main.rpc`, the rest is
// what every other top-level path reads, so `import "x.rpc"` (and import cycles) are
// reached too. Paths with a `/` read as missing: serving them would be an endless disk
// (`import "d/x.rpc"` from `d/x.rpc` is `d/d/x.rpc`, and so on), which no real one is.
//
// Properties checked on every input:
// - no crash and no hang (libFuzzer's -timeout), whatever the bytes;
// - every diagnostic names a file that was read and a line/column of at least 1;
// - a schema without errors yields Swift source for each of its files.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchemaFrontEnd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0)
    let main = split.map { Array(bytes[..<$0]) } ?? bytes
    let other = split.map { Array(bytes[($0 + 1)...]) }
    let result = SchemaFrontEnd(readFile: { path in path == "main.rpc" ? main : path.contains("/") ? nil : other })
        .compile(["main.rpc"])
    for diagnostic in result.diagnostics {
        guard diagnostic.location.line >= 1, diagnostic.location.column >= 1 else {
            fatalError("diagnostic without a position: \(diagnostic)")
        }
        guard diagnostic.path == "main.rpc" || other != nil else {
            fatalError("diagnostic for a file that was never read: \(diagnostic)")
        }
    }
    guard !result.hasErrors else { return 0 }
    let generator = CodeGenerator()
    for file in result.schema.files {
        let source = generator.generate(file, in: result.schema, displayPath: file.path)
        guard !source.isEmpty else { fatalError("no Swift source for \(file.path)") }
    }
    return 0
}
