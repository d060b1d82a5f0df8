// A zerorpc-swift peer in a process of its own, for ZeroRPCFaultTests (`make faults`):
// the tests kill it (SIGKILL), restart it on the same endpoint, or run eight of it at once.
//
//   zerorpc-fault-test-peer serve --bind ENDPOINT [--heartbeat-ms N]
//       Prints "READY <endpoint>", then one line per event the tests wait on:
//       "STARTED <method>" when a slow handler (sleep, ticks, generate, hold) begins and
//       "ENDED <method>" when it ends (returned, threw or was cancelled). Serves until its
//       stdin closes or it is killed.
//   zerorpc-fault-test-peer flood --connect ENDPOINT --tag T --calls N [--concurrency C]
//       Calls record("T-i") for i in 0..<N, C at a time; prints "DONE <answered>" and
//       exits 0 when every answer echoed its own key, 1 otherwise.
//   zerorpc-fault-test-peer stream --connect ENDPOINT [--heartbeat-ms N]
//       Opens ticks(), prints "STREAMING" after the first item, then reads on until
//       killed (the test's "client killed mid stream").
//
// Methods of `serve`:
//   record(key) -> key           counts the key; a key seen before counts as a duplicate
//   stats() -> {calls, duplicates, in_flight, rss_kib, written, pid}
//   has(key) -> bool             whether record(key) ever ran here
//   sleep(ms) -> ms              waits, then answers
//   ticks(size) -> stream bytes  items of `size` bytes, as fast as credit allows
//   generate() -> generator<int, int>  yields what it was sent plus one, forever
import Foundation
import Synchronization
import ZeroRPC
import ZeroRPCTestSupport

/// What the tests read back through `stats`.
final class Counters: Sendable {
    let recorded = LockedValue<Set<String>>([])
    let calls = Atomic<Int64>(0)
    let duplicates = Atomic<Int64>(0)
    /// Handlers running now: each slow handler counts itself in and out.
    let inFlight = Atomic<Int64>(0)
    /// Stream items the `ticks` handlers wrote (accepted by their StreamWriter).
    let written = Atomic<Int64>(0)
}

/// Prints `line` to stdout at once (the tests read it through a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Runs `body` as a slow handler: announced, counted in flight, announced again at the end.
func tracked<T>(_ method: String, _ counters: Counters, _ body: () async throws -> T) async throws -> T {
    counters.inFlight.add(1, ordering: .relaxed)
    say("STARTED \(method)")
    defer {
        counters.inFlight.subtract(1, ordering: .relaxed)
        say("ENDED \(method)")
    }
    return try await body()
}

/// This process's resident set in KiB, from /proc/self/status (0 where there is none).
func residentKiB() -> Int64 {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int64(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// The stream and generator methods, which need a `RegistrableService`.
struct FaultStreams: RegistrableService {
    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }
    let counters: Counters

    var methods: [ServiceMethod] {
        let counters = self.counters
        return [
            .stream("ticks", parameters: [ParameterInfo(name: "size")], doc: nil, element: MessagePackValue.self) {
                arguments, stream, _ in
                let size = Int(try arguments.next(Int64.self, name: "size"))
                let item = MessagePackValue.binary(Data(repeating: 7, count: max(0, min(size, 1 << 20))))
                try await tracked("ticks", counters) {
                    while true {
                        try await stream.write(item)
                        counters.written.add(1, ordering: .relaxed)
                    }
                }
            },
            .generator("generate", parameters: [], doc: nil, yield: Int64.self, sent: Int64.self) {
                _, generator, _ in
                try await tracked("generate", counters) {
                    var next: Int64 = 0
                    while true { next = (try await generator.yield(next) ?? next) &+ 1 }
                }
            },
        ]
    }
}

func serve() async throws {
    guard let endpoint = commandLineValue(after: "--bind") else { usage() }
    let heartbeat = commandLineValue(after: "--heartbeat-ms").flatMap(Int.init) ?? 5000
    let counters = Counters()
    let server = Server(name: "fault-peer", options: ServerOptions(heartbeatInterval: .milliseconds(heartbeat)))
    try server.register(FaultStreams(counters: counters))
    try server.register(name: "record") { arguments, _ in
        let key = arguments.first?.stringValue ?? ""
        counters.calls.add(1, ordering: .relaxed)
        let isNew = counters.recorded.withLock { $0.insert(key).inserted }
        if !isNew { counters.duplicates.add(1, ordering: .relaxed) }
        return .string(key)
    }
    try server.register(name: "has") { arguments, _ in
        let key = arguments.first?.stringValue ?? ""
        return .bool(counters.recorded.withLock { $0.contains(key) })
    }
    try server.register(name: "stats") { _, _ in
        [
            "calls": .int(counters.calls.load(ordering: .relaxed)),
            "duplicates": .int(counters.duplicates.load(ordering: .relaxed)),
            "in_flight": .int(counters.inFlight.load(ordering: .relaxed)),
            "written": .int(counters.written.load(ordering: .relaxed)),
            "rss_kib": .int(residentKiB()),
            // For tests that read /proc/PID/status themselves while the server is busy.
            "pid": .int(Int64(getpid())),
        ]
    }
    try server.register(name: "sleep") { arguments, _ in
        let ms = arguments.first?.int64Value ?? 0
        return try await tracked("sleep", counters) {
            try await Task.sleep(for: .milliseconds(max(0, min(ms, 3_600_000))))
            return .int(ms)
        }
    }
    say("READY \(try server.bind(endpoint))")
    await waitUntilStandardInputCloses()
    await server.close()
}

func flood() async throws -> Int32 {
    guard let endpoint = commandLineValue(after: "--connect"), let tag = commandLineValue(after: "--tag"),
        let calls = commandLineValue(after: "--calls").flatMap(Int.init)
    else { usage() }
    let concurrency = commandLineValue(after: "--concurrency").flatMap(Int.init) ?? 16
    let client = try Client(connect: [endpoint])
    let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
        var next = 0
        var answered = 0
        func add() {
            let key = "\(tag)-\(next)"
            next += 1
            group.addTask {
                let reply = try await client.call("record", [.string(key)], options: CallOptions(timeout: .seconds(60)))
                return reply.stringValue == key
            }
        }
        while next < min(concurrency, calls) { add() }
        while let echoed = try await group.next() {
            if echoed { answered += 1 }
            if next < calls { add() }
        }
        return answered
    }
    await client.close()
    say("DONE \(answered)")
    return answered == calls ? 0 : 1
}

func streamUntilKilled() async throws {
    guard let endpoint = commandLineValue(after: "--connect") else { usage() }
    let heartbeat = commandLineValue(after: "--heartbeat-ms").flatMap(Int.init) ?? 5000
    let client = try Client(connect: [endpoint], options: ClientOptions(heartbeatInterval: .milliseconds(heartbeat)))
    let stream = try await client.stream("ticks", [.int(16)])
    var first = true
    for try await _ in stream where first {
        first = false
        say("STREAMING")
    }
}

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: see Tests/FaultTestPeer/main.swift\n".utf8))
    exit(2)
}

switch CommandLine.arguments.dropFirst().first {
case "serve": try await serve()
case "flood": exit(try await flood())
case "stream": try await streamUntilKilled()
default: usage()
}
