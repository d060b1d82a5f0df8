// libFuzzer entry point for the IDL front end (lexer, parser, checker) and, when a file
// checks clean, the code generator; built by `make fuzz` with swiftc, the sources of
// ZeroRPCSchema and ZeroRPCCodeGen compiled into this module.
//
// The input is one or two files (the format, and the checks on diagnostics, are in
// Tests/ZeroRPCSchemaTests/SchemaFuzzInput.swift, which SchemaFuzzCorpusTests shares to
// replay the seeds and crash regressions in the normal suite).
//
// Properties checked on every input:
// - no crash and no hang (libFuzzer's -timeout), whatever the bytes;
// - every diagnostic names a file that was read and a line/column of at least 1;
// - a schema without errors yields Swift source for each of its files.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSchemaFrontEnd(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (result, problems) = SchemaFuzzInput.compile(Array(UnsafeBufferPointer(start: data, count: size)))
    if let problem = problems.first { fatalError(problem) }
    guard !result.hasErrors else { return 0 }
    let generator = CodeGenerator()
    for file in result.schema.files {
        let source = generator.generate(file, in: result.schema, displayPath: file.path)
        guard !source.isEmpty else { fatalError("no Swift source for \(file.path)") }
    }
    return 0
}
