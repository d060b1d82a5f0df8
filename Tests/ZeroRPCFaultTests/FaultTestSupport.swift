// Child processes for the fault tests: `zerorpc-fault-test-peer` (Tests/FaultTestPeer) as
// a server or a client, and the clock and error checks the tests share.
import Foundation
import Testing
import ZeroRPC
import ZeroRPCTestSupport

/// Heartbeat period of every server and client in these tests: short, so a lost peer is
/// noticed in well under a second.
let faultHeartbeat: Duration = .milliseconds(200)
/// The same in whole milliseconds, for the children's `--heartbeat-ms`.
let faultHeartbeatMilliseconds = "\(faultHeartbeat.components.attoseconds / 1_000_000_000_000_000)"

/// Slack for a loaded 2-core machine: a second, three under the sanitizers (`make
/// test-asan`/`test-tsan` set `ZERORPC_SANITIZED`).
let faultSlack: Duration = ProcessInfo.processInfo.environment["ZERORPC_SANITIZED"] == nil ? .seconds(1) : .seconds(3)

/// How long after a kill the survivor must have noticed: two periods decide "lost", one
/// more for the timer that checks, and the slack.
let lossNoticedWithin: Duration = faultHeartbeat * 3 + faultSlack

/// A client with the tests' heartbeat period.
func faultClient(_ endpoint: String, interceptors: [any ClientInterceptor] = []) throws -> Client {
    try Client(
        connect: [endpoint], options: ClientOptions(heartbeatInterval: faultHeartbeat, interceptors: interceptors))
}

/// Opens `gate` when the client is about to send a request for `method` (e.g. the
/// `_zpc_result` poll of a deferred call, which no server-side line announces).
struct OpensGateOnRequest: ClientInterceptor {
    let method: String
    let gate: TestGate

    func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        if request.method == method { gate.open() }
        return try await next(request)
    }
}

/// A server in a child process: `zerorpc-fault-test-peer serve`, or another test server
/// that prints "READY <endpoint>" once bound.
final class FaultServer: Sendable {
    let endpoint: String
    let child: ChildProcess

    /// Starts `zerorpc-fault-test-peer serve` bound to `endpoint` (a free local TCP port
    /// by default) and waits until it says it is bound.
    convenience init(bind endpoint: String = "tcp://127.0.0.1:*") async throws {
        try await self.init(
            executable: "zerorpc-fault-test-peer",
            arguments: ["serve", "--bind", endpoint, "--heartbeat-ms", faultHeartbeatMilliseconds])
    }

    /// Starts `executable` with `arguments` and waits for its "READY <endpoint>" line.
    init(executable: String, arguments: [String]) async throws {
        let child = try ChildProcess(executable: executable, arguments: arguments)
        guard let line = try await child.line(startingWith: "READY ") else {
            child.kill()
            throw ChildProcess.SetupError("\(executable) did not start")
        }
        self.child = child
        self.endpoint = String(line.dropFirst("READY ".count))
    }

    /// Waits for the server to print `line` (e.g. "STARTED sleep").
    func waitFor(_ line: String) async throws {
        guard try await child.line(startingWith: line) != nil else {
            throw ChildProcess.SetupError("the server exited before printing '\(line)'")
        }
    }

    /// SIGKILL: nothing in the server gets to clean up or say goodbye.
    func kill() async {
        child.signal(SIGKILL)
        _ = await child.exitStatus()
        child.closeInput()
    }

    /// Closes the server's stdin (it closes and exits) and waits for it.
    func stop() async {
        child.closeInput()
        _ = await child.exitStatus()
    }
}

/// The server's counters (`stats()` of Tests/FaultTestPeer).
struct ServerStats {
    var calls: Int64
    var duplicates: Int64
    var inFlight: Int64
    var written: Int64
    var residentKiB: Int64
    var pid: Int32

    init(_ client: Client) async throws {
        let value = try await client.call("stats", [])
        calls = value["calls"]?.int64Value ?? -1
        duplicates = value["duplicates"]?.int64Value ?? -1
        inFlight = value["in_flight"]?.int64Value ?? -1
        written = value["written"]?.int64Value ?? -1
        residentKiB = value["rss_kib"]?.int64Value ?? -1
        pid = Int32(clamping: value["pid"]?.int64Value ?? -1)
    }
}

/// Kills `server` with SIGKILL, then runs `body`, which must fail with
/// `RPCError.lostRemote` within `lossNoticedWithin` of the server's death.
func killExpectingLostRemote(
    _ server: FaultServer, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    await server.kill()
    // Timed from the moment the server is known dead: on a machine with a load of 30,
    // reaping the child alone once took seconds.
    let killed = ContinuousClock.now
    do {
        try await body()
        Issue.record("expected RPCError.lostRemote, the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        if case .lostRemote = error {
        } else {
            Issue.record("expected RPCError.lostRemote, got \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected RPCError.lostRemote, got \(error)", sourceLocation: sourceLocation)
    }
    let noticed = ContinuousClock.now - killed
    print("fault test: RPCError.lostRemote \(noticed) after the kill")  // for the log of a slow run
    #expect(noticed < lossNoticedWithin, "lost remote noticed after \(noticed)", sourceLocation: sourceLocation)
}
