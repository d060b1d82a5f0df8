import ArgumentParser

@main
struct ZeroRPCGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zerorpc-gen",
        abstract: "Generates Swift clients and server protocols from .rpc interface files.",
        discussion: """
            Each service becomes a `Service` protocol to implement and a typed `Client`: \
            `-> stream T` methods return a `ZeroRPC.ResponseStream`, `-> generator<Y, S>` \
            methods a `ZeroRPC.Generator`, and `@deferred` methods also get `startX` and \
            `resumeX(token:)` returning a `ZeroRPC.Deferred`.

            Diagnostics go to standard error as `path:line:column: error: message`, the form \
            SwiftPM and Xcode show inline. Options can also come from the `zerorpc-gen.json` \
            nearest to each .rpc file: {"accessLevel": "internal"}.

            Examples:
              zerorpc-gen check Schemas/calculator.rpc
              zerorpc-gen generate Schemas/calculator.rpc Schemas/shop.rpc --output Sources/App/Generated
              zerorpc-gen generate Schemas/calculator.rpc --output-file Generated/Calculator.swift --access-level internal
            """,
        subcommands: [GenerateCommand.self, CheckCommand.self]
    )
}
