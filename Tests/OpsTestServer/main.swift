// A zerorpc-swift server built from generated code (ops.rpc), in a process of its own,
// for the `zerorpc` CLI and broker tests.
//
//   zerorpc-ops-test-server --id NAME (--bind ENDPOINT | --broker BACKEND) [--heartbeat S]
//
// Prints "READY <endpoint>" once bound or attached, and serves until its stdin closes
// (so it ends with the test that started it) or it is killed.
import Foundation
import Synchronization
import ZeroRPC
import ZeroRPCTestSupport

final class OpsServer: Ops.Service {
    let id: String
    let closedCount = Atomic<Int64>(0)
    let recorded = LockedValue<[String]>([])

    init(id: String) { self.id = id }

    func add(a: Int64, b: Int64, context: ServerContext) async throws -> Int64 { a &+ b }

    func greet(name: String, tone: Tone, context: ServerContext) async throws -> Greeting {
        let text = "hello, \(name)"
        return Greeting(text: tone == .loud ? text.uppercased() : text, tone: tone, level: tone == .loud ? .high : .low)
    }

    func refuse(reason: String, context: ServerContext) async throws { throw Refused(reason: reason) }

    func count(n: Int64, intervalMs: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        for value in 1...max(n, 1) where n > 0 {
            if intervalMs > 0 { try await Task.sleep(for: .milliseconds(intervalMs)) }
            try await stream.write(value)
        }
    }

    func ticks(intervalMs: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        var value: Int64 = 0
        do {
            while true {
                value += 1
                try await stream.write(value)
                try await Task.sleep(for: .milliseconds(max(intervalMs, 1)))
            }
        } catch {
            if Task.isCancelled { closedCount.add(1, ordering: .relaxed) }
            throw error
        }
    }

    func closedStreams(context: ServerContext) async throws -> Int64 { closedCount.load(ordering: .relaxed) }

    func sleep(ms: Int64, context: ServerContext) async throws -> String {
        try await Task.sleep(for: .milliseconds(ms))
        return id
    }

    func whoami(context: ServerContext) async throws -> String { id }

    func note(text: String, context: ServerContext) async throws { recorded.withLock { $0.append(text) } }

    func notes(context: ServerContext) async throws -> [String] { recorded.withLock { $0 } }

    func accumulate(generator: GeneratorContext<Int64, Int64>, context: ServerContext) async throws {}

    func echoGreeting(greeting: Greeting, sent: Timestamp?, context: ServerContext) async throws -> Greeting {
        guard let sent else { return greeting }
        return Greeting(text: "\(greeting.text) @\(sent.seconds)", tone: greeting.tone, level: greeting.level)
    }
}

guard let id = commandLineValue(after: "--id"),
    commandLineValue(after: "--bind") != nil || commandLineValue(after: "--broker") != nil
else {
    FileHandle.standardError.write(Data("usage: --id NAME (--bind ENDPOINT | --broker BACKEND) [--heartbeat S]\n".utf8))
    exit(2)
}
let heartbeat = commandLineValue(after: "--heartbeat").flatMap(Double.init) ?? 5
let server = Server(name: "ops-\(id)", options: ServerOptions(heartbeatInterval: .milliseconds(Int(heartbeat * 1000))))
try server.register(OpsServer(id: id))
if let endpoint = commandLineValue(after: "--bind") {
    FileHandle.standardOutput.write(Data("READY \(try server.bind(endpoint))\n".utf8))
} else if let backend = commandLineValue(after: "--broker") {
    try server.connect(toBroker: backend)
    FileHandle.standardOutput.write(Data("READY \(backend)\n".utf8))
}

await waitUntilStandardInputCloses()
await server.close()
