import ArgumentParser

/// `zerorpc-gen check`: diagnostics only.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Checks .rpc files and prints their diagnostics; exits non-zero on any error.",
        discussion: "Example: zerorpc-gen check Schemas/calculator.rpc Schemas/shop.rpc"
    )

    @OptionGroup var inputs: SchemaInputs

    func run() throws {
        if inputs.compile().hasErrors { throw ExitCode.failure }
    }
}
