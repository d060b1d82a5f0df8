// `zerorpc call`: one call, its result printed; deferred calls are waited for.
import ArgumentParser
import Foundation
import ZeroRPC

struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call a method and print its result.")

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var target: CallTarget

    @Option(help: "Ask for a deferred result after this many milliseconds, then wait for it.")
    var deferAfter: Int?

    func run() async throws {
        let method = target.method
        try await connection.withClient { client, output in
            let call = try await PreparedCall(client: client, target: target, options: connection.callOptions)
            try call.refuseGenerator()
            if call.isStream {
                throw ToolError("\(method) is a stream; use `zerorpc stream`")
            }
            let start = ContinuousClock.now
            let value: MessagePackValue
            if let deferAfter {
                var options = connection.callOptions
                options.deferAfter = .milliseconds(deferAfter)
                let job = try await client.startDeferred(
                    method, options: options, declaredErrors: [], arguments: call.write,
                    result: { try $0.read(MessagePackValue.self) })
                if let token = job.token {
                    Output.note(
                        "deferred after \(deferAfter) ms (token \(String(token.description.prefix(8)))…); waiting")
                    value = try await waitShowingElapsed(job, since: start, output: output)
                } else {
                    value = try await job.value
                }
            } else {
                value = try await client.call(method, call.arguments, options: connection.callOptions)
            }
            output.value(call.present(value))
            if output.isTerminal && !output.json { Output.note("(\((ContinuousClock.now - start).secondsText))") }
        }
    }

    /// Waits for a deferred result; on a terminal, shows the time waited once a second.
    private func waitShowingElapsed(
        _ job: Deferred<MessagePackValue>, since start: ContinuousClock.Instant, output: Output
    ) async throws -> MessagePackValue {
        guard output.isTerminal else { return try await job.value }
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                FileHandle.standardError.write(Data("\rwaiting \((ContinuousClock.now - start).secondsText)".utf8))
            }
        }
        defer {
            ticker.cancel()
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))  // clear the waiting line
        }
        return try await job.value
    }
}

/// The method and arguments of `call` and `stream`, as typed on the command line.
struct CallTarget: ParsableArguments {
    @Argument(help: "The method's wire name, e.g. calc.add.")
    var method: String

    @Flag(help: "Send the arguments as given, without checking them against the server's IDL.")
    var noCheck = false

    @Argument(parsing: .allUnrecognized, help: "Arguments, each as JSON; text that is not JSON is sent as a string.")
    var arguments: [String] = []
}

/// A call's arguments parsed from JSON and, when the server told its IDL, checked
/// against the method; also how to present what comes back.
struct PreparedCall {
    let arguments: [MessagePackValue]
    let method: InterfaceCatalog.Method?

    init(client: Client, target: CallTarget, options: CallOptions) async throws {
        let parsed = target.arguments.map { JSONText.parse($0) ?? .string($0) }
        let catalog =
            target.noCheck
            ? InterfaceCatalog(interfaces: []) : await InterfaceCatalog.load(from: client, options: options)
        method = catalog.method(named: target.method)
        arguments = try method?.check(parsed) ?? parsed
    }

    var isStream: Bool {
        guard let method, case .stream = method.definition.kind else { return false }
        return true
    }

    /// A two-way generator needs values sent into it at each step, which the tool does
    /// not do; reading it as a stream would only feed it nil forever.
    func refuseGenerator() throws {
        guard let method, case .generator = method.definition.kind else { return }
        throw ToolError("\(method.wireName) is a two-way generator (\(method.signature)); the CLI reads only streams")
    }

    func write(_ writer: inout MessagePackWriter) {
        writer.writeArrayHeader(arguments.count)
        for argument in arguments { writer.write(argument) }
    }

    func present(_ value: MessagePackValue) -> MessagePackValue {
        guard let method, let type = method.resultType else { return value }
        return TypedValues(schema: method.schema).present(value, as: type)
    }
}
