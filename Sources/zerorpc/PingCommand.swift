// `zerorpc ping`: is the server there, what is its name, how long does a round trip take.
import ArgumentParser
import ZeroRPC

struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Ping a server (`_zerorpc_ping`) and print its name and the round-trip time.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client, output in
            let start = ContinuousClock.now
            let answer = try await client.call("_zerorpc_ping", [], options: connection.callOptions)
            let elapsed = ContinuousClock.now - start
            let name = answer[1]?.stringValue ?? JSONText.compact(answer)
            let (seconds, attoseconds) = elapsed.components
            let milliseconds = (Double(seconds) + Double(attoseconds) / 1e18) * 1000
            output.result(
                json: ["name": .string(name), "milliseconds": .double(milliseconds)],
                text: "pong from \(name) at \(connection.endpoint) in \(String(format: "%.2f", milliseconds)) ms")
        }
    }
}
