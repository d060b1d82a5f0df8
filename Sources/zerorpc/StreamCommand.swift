// `zerorpc stream`: prints a stream's items as they come; Ctrl-C closes the stream on
// the server (`_zpc_close`) before the tool exits.
import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import ZeroRPC

struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream", abstract: "Call a stream method and print its items as they arrive.")

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var target: CallTarget

    func run() async throws {
        let interrupted = Atomic<Bool>(false)
        let method = target.method
        try await connection.withClient { client, output in
            let call = try await PreparedCall(client: client, target: target, options: connection.callOptions)
            try call.refuseGenerator()
            let start = ContinuousClock.now
            let reading = Task {
                var count = 0
                let stream = try await client.stream(method, call.arguments, options: connection.callOptions)
                for try await item in stream {
                    count += 1
                    let text = JSONText.compact(call.present(item))
                    let line =
                        output.isTerminal && !output.json
                        ? "[+\((ContinuousClock.now - start).secondsText)] \(text)" : text
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
                return count
            }
            // Ctrl-C cancels the reading task: the stream sends `_zpc_close`, and the
            // client's close below flushes it before the process exits.
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT)
            source.setEventHandler {
                interrupted.store(true, ordering: .relaxed)
                reading.cancel()
            }
            source.resume()
            defer { source.cancel() }
            do {
                let count = try await reading.value
                if output.isTerminal && !output.json {
                    Output.note("\(count) item(s) in \((ContinuousClock.now - start).secondsText)")
                }
            } catch is CancellationError where interrupted.load(ordering: .relaxed) {
                Output.note("interrupted after \((ContinuousClock.now - start).secondsText); stream closed")
            }
        }
        if interrupted.load(ordering: .relaxed) { throw ExitCode(130) }
    }
}
