import ArgumentParser
import Foundation
import ZeroRPCCodeGen
import ZeroRPCSchema

/// The `.rpc` files a command works on, compiled together as one target.
struct SchemaInputs: ParsableArguments {
    @Argument(help: "The .rpc files; the files they import are read too.")
    var files: [String]

    /// Reads, parses and checks the files, printing every diagnostic to standard error.
    func compile() -> SchemaFrontEnd.Result {
        let result = SchemaFrontEnd(readFile: { path in
            FileManager.default.contents(atPath: path).map { Array($0) }
        }).compile(files)
        report(result.diagnostics)
        return result
    }
}

/// Prints diagnostics one per line on standard error.
func report(_ diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics {
        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
    }
}
