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
}
