// Streams closed from an executable's top-level code (issue 17, defect 3): breaking out
// of `for try await` here does not release the iterator before the process ends, so the
// stream must close by the scoped form or an explicit `close()`, not by ARC.
//
//   zerorpc-stream-close-check --endpoint E --mode scoped|close
//
// Prints DONE once its stream is closed, then stays alive until standard input closes,
// so the test can check the server while this process still holds everything.
import Foundation
import ZeroRPC
import ZeroRPCTestSupport

guard let endpoint = commandLineValue(after: "--endpoint"), let mode = commandLineValue(after: "--mode") else {
    FileHandle.standardError.write(Data("usage: --endpoint E --mode scoped|close\n".utf8))
    exit(2)
}
let client = try Client(connect: [endpoint], options: .init(heartbeatInterval: .seconds(1)))
switch mode {
case "scoped":
    try await client.stream("forever", []).closing { stream in
        for try await _ in stream { break }
    }
case "close":
    let stream = try await client.stream("forever", [])
    for try await _ in stream { break }
    await stream.close()
default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}
FileHandle.standardOutput.write(Data("DONE\n".utf8))
await waitUntilStandardInputCloses()
