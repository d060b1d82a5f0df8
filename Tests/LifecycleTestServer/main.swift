// A zerorpc-swift server run by a swift-service-lifecycle `ServiceGroup` in a process of
// its own, for the test that sends it SIGTERM in the middle of a call.
//
//   zerorpc-lifecycle-test-server
//
// Binds tcp://127.0.0.1:0 and serves under a ServiceGroup that shuts down gracefully on
// SIGTERM; prints "READY <endpoint>" once the group traps the signal. Its log goes to
// stdout, one line per record ("<level> <message>"), so the test can see the shutdown
// begin. Each line on stdin releases the calls held so far; when stdin closes (the test
// ended, or crashed) it exits at once, as every helper process here does. Methods:
//   hold() -> "done"   prints "HOLDING", then returns once stdin gives a line
//   echo(x) -> x
import Foundation
import Logging
import ServiceLifecycle
import ZeroRPC
import ZeroRPCServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Writes one line to stdout at once (unbuffered), so the test sees it while we wait.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Writes each record as one line on stdout, flushed at once.
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        emit("\(event.level) \(event.message)")
    }
}

// Swift's Process starts children with SIGTERM blocked (docs/ARCHITECTURE.md, traps):
// unblock it before any thread starts, so the ServiceGroup's signal source sees it.
var unblocked = sigset_t()
sigemptyset(&unblocked)
sigaddset(&unblocked, SIGTERM)
sigprocmask(SIG_UNBLOCK, &unblocked, nil)

let logger = Logger(label: "lifecycle-test") { _ in LineLogHandler() }
// 5 s heartbeats: this server's test is about draining, not about losing peers, and a full
// parallel run (600 tests, fault tests' child processes and floods on 2 cores) kept this
// process from a core for two 1 s periods: the client then reported it lost mid-drain.
let heartbeat: Duration = .seconds(5)
let server = Server(name: "lifecycle-test", options: ServerOptions(heartbeatInterval: heartbeat, logger: logger))
/// Calls waiting in `hold`, released by the next line on stdin.
let heldCalls = LockedValue<[CheckedContinuation<Void, Never>]>([])
Thread {
    while readLine() != nil {
        for call in heldCalls.withLock({ held in
            defer { held.removeAll() }; return held
        }) { call.resume() }
    }
    exit(0)
}.start()

try server.register(name: "hold") { _, _ in
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        heldCalls.withLock { $0.append(continuation) }
        emit("HOLDING")
    }
    return .string("done")
}
try server.register(name: "echo") { arguments, _ in arguments.first ?? .nil }
let endpoint = try server.bind("tcp://127.0.0.1:0")

/// Says READY once the group runs: a ServiceGroup traps its signals before it starts its
/// services, so from then on SIGTERM drains instead of killing. Stays up until shutdown,
/// since a service that returns ends the group.
struct ReadyAnnouncement: Service {
    let endpoint: String
    func run() async throws {
        emit("READY \(endpoint)")
        try? await gracefulShutdown()
    }
}

let group = ServiceGroup(
    services: [
        ReadyAnnouncement(endpoint: endpoint),
        ServerService(server, onGracefulShutdown: .graceful(timeout: .seconds(20))),
    ],
    gracefulShutdownSignals: [.sigterm], logger: logger)
try await group.run()
emit("EXITED")
