// Options every command that talks to a server shares: where, how long, which keys, and
// how to print.
import ArgumentParser
import Foundation
import ZeroRPC

struct ConnectionOptions: ParsableArguments {
    @Argument(help: "The server's endpoint, e.g. tcp://127.0.0.1:4242 or ipc:///tmp/calc.")
    var endpoint: String

    @Option(help: "Seconds to wait for the first reply (heartbeats keep a long call alive after it).")
    var timeout: Double = 30

    @Option(help: "Seconds to wait for the connection before giving up.")
    var connectTimeout: Double = 5

    @Option(help: "Heartbeat period in seconds; must match the server's.")
    var heartbeat: Double = 5

    // Keys are parsed `.unconditional`: a Z85 key may begin with "-" (one in 85 does),
    // which the default strategy takes for another option ("Missing value for ...").
    // A key option must also be named in `KeyArguments.names` (a key beginning "-=").
    @Option(parsing: .unconditional, help: "The server's CurveZMQ public key (Z85); turns on encryption.")
    var curveServerKey: String?

    @Option(parsing: .unconditional, help: "This client's CurveZMQ secret key (Z85), for servers with an allow-list.")
    var curveSecretKey: String?

    @Flag(help: "Print JSON, one value per line, for scripts.")
    var json = false

    var timeoutDuration: Duration { .seconds(clampedSeconds: timeout, minimum: 0.001) }

    /// A client connected to `endpoint`, once ZeroMQ reports the connection.
    func connect() async throws -> Client {
        var security = ClientSecurity.none
        if let serverKey = curveServerKey {
            let keyPair = try curveSecretKey.map { try CurveKeyPair(secretKey: $0) }
            security = .curve(serverPublicKey: serverKey, keyPair: keyPair)
        } else if curveSecretKey != nil {
            throw ToolError("--curve-secret-key needs --curve-server-key")
        }
        let client = try Client(
            connect: [endpoint],
            options: ClientOptions(
                heartbeatInterval: .seconds(clampedSeconds: heartbeat, minimum: 0.01), lingerOnClose: .seconds(1),
                security: security))
        do {
            try await client.waitConnected(timeout: .seconds(clampedSeconds: connectTimeout, minimum: 0.001))
        } catch {
            await client.close()
            throw ToolError("not connected to \(endpoint) within \(connectTimeout) s: connection refused or no answer")
        }
        return client
    }

    var callOptions: CallOptions { CallOptions(timeout: timeoutDuration) }

    /// Runs `body` with a connected client and the output these options ask for, and
    /// closes the client on every path out.
    func withClient(_ body: (Client, Output) async throws -> Void) async throws {
        let client = try await connect()
        do {
            try await body(client, Output(json: json))
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}

/// A failure the tool reports in one line and exits 1 on.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where output goes and how it looks.
struct Output {
    let json: Bool
    /// A terminal gets elapsed times and indented values.
    let isTerminal = isatty(STDOUT_FILENO) == 1

    func value(_ value: MessagePackValue) {
        print(json ? JSONText.compact(value) : JSONText.pretty(value))
    }

    /// A command's result: `json` as one line of JSON under `--json`, else `text`.
    func result(json value: @autoclosure () -> MessagePackValue, text: @autoclosure () -> String) {
        if json { self.value(value()) } else { print(text()) }
    }

    /// A line on standard error: progress that must not mix with results.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension Duration {
    /// `seconds` from the command line as a duration, kept between `minimum` and a year
    /// (NaN counts as the minimum), so no typed value can trap the conversion.
    static func seconds(clampedSeconds seconds: Double, minimum: Double) -> Duration {
        let bounded = seconds.isNaN ? minimum : Swift.min(Swift.max(seconds, minimum), 365 * 24 * 3600)
        return .milliseconds(Int64(bounded * 1000))
    }

    /// "0.512 s".
    var secondsText: String {
        let (seconds, attoseconds) = components
        return String(format: "%.3f s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
