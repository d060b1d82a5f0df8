// The `zerorpc` command-line tool: talk to a live zerorpc server (ours or stock Python's)
// from a shell, make CurveZMQ keys, run a broker.
import ArgumentParser

@main
struct ZeroRPCTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zerorpc",
        abstract: "Call, stream from and inspect zerorpc servers; make CurveZMQ keys; run a broker.",
        discussion: """
            Arguments are JSON (`3`, `"text"`, `{"x": 1}`); one that is not valid JSON is sent as a \
            string. Against a zerorpc-swift server the arguments are checked against the method's \
            IDL first, and results are printed with enum case names. Output is readable on a \
            terminal, with elapsed times for streams and deferred waits; `--json` prints one JSON \
            value per line for scripts.

            Examples:
              zerorpc call tcp://127.0.0.1:4242 calc.add 1 2
              zerorpc stream tcp://127.0.0.1:4242 calc.count 10
              zerorpc inspect tcp://127.0.0.1:4242
              zerorpc broker --frontend 'tcp://*:4242' --backend 'tcp://*:4243'
            """,
        subcommands: [
            CallCommand.self, StreamCommand.self, InspectCommand.self, PingCommand.self, KeygenCommand.self,
            BrokerCommand.self,
        ]
    )

    /// Parses the arguments with every key option's value attached to its name.
    static func main() async {
        await main(KeyArguments.attached(Array(CommandLine.arguments.dropFirst())))
    }
}

/// The options that take a CurveZMQ key. A Z85 key may begin with "-" (one in 85 does):
/// parsed `.unconditional`, such a value is not taken for the next option, but one that
/// begins with "-=" ArgumentParser splits into an option named "" before any parsing
/// strategy sees it ("Invalid option"). So `--curve-secret-key KEY` is passed on as
/// `--curve-secret-key=KEY`, which it reads whatever the key's first characters.
enum KeyArguments {
    static let names: Set<String> = ["--curve-server-key", "--curve-secret-key", "--allow-client-key"]

    /// `arguments` with each key option and its value joined by "="; nothing after a
    /// `--` changes.
    static func attached(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if names.contains(argument), index + 1 < arguments.endIndex {
                result.append("\(argument)=\(arguments[index + 1])")
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }
}
