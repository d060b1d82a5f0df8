// `zerorpc broker`: runs a `Broker` until Ctrl-C or SIGTERM.
import ArgumentParser
import Dispatch
import Foundation
import ZeroRPC

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a broker: clients connect to the frontend, servers attach to the backend.",
        discussion: """
            Each call goes to the server with the fewest open calls, and every later event of \
            that call (heartbeats, stream credit, close) to the same server. Servers attach with \
            `Server.connect(toBroker:)`.
            """)

    @Option(help: "Where clients connect, e.g. tcp://*:4242.")
    var frontend: String

    @Option(help: "Where servers attach, e.g. tcp://*:4243.")
    var backend: String

    @Option(help: "Heartbeat period in seconds of the clients and servers behind the broker.")
    var heartbeat: Double = 5

    // `.unconditional`, and named in `KeyArguments.names`: a Z85 key may begin with "-"
    // (ConnectionOptions).
    @Option(
        parsing: .unconditional,
        help: "The broker's CurveZMQ secret key (Z85): clients must then use its public key.")
    var curveSecretKey: String?

    @Option(
        parsing: .unconditionalSingleValue,
        help: "With --curve-secret-key: a client public key to admit (repeatable); default any.")
    var allowClientKey: [String] = []

    func run() async throws {
        var options = BrokerOptions(heartbeatInterval: .seconds(clampedSeconds: heartbeat, minimum: 0.1))
        if let curveSecretKey {
            let keyPair = try CurveKeyPair(secretKey: curveSecretKey)
            options.frontendSecurity = .curve(
                keyPair: keyPair, allowedClientKeys: allowClientKey.isEmpty ? nil : Set(allowClientKey))
            FileHandle.standardError.write(Data("clients need --curve-server-key \(keyPair.publicKey)\n".utf8))
        } else if !allowClientKey.isEmpty {
            throw ToolError("--allow-client-key needs --curve-secret-key")
        }
        let broker = try Broker(frontend: frontend, backend: backend, options: options)
        let ready = "READY frontend \(broker.frontendEndpoint) backend \(broker.backendEndpoint)\n"
        FileHandle.standardOutput.write(Data(ready.utf8))
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { Task { await broker.close() } }
            source.resume()
            sources.append(source)
        }
        await broker.run()
        for source in sources { source.cancel() }
    }
}
