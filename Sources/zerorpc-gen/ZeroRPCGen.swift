import ArgumentParser

@main
struct ZeroRPCGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zerorpc-gen",
        abstract: "Generates Swift clients and server protocols from .rpc files."
    )

    func run() throws {
        throw CleanExit.helpRequest(self)
    }
}
