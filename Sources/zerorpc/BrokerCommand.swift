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

    func run() async throws {
        let broker = try Broker(
            frontend: frontend, backend: backend,
            options: BrokerOptions(heartbeatInterval: .seconds(clampedSeconds: heartbeat, minimum: 0.1)))
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
