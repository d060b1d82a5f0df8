import Foundation
import Testing
import ZeroRPC

/// The Swift `Client` against a stock Python `zerorpc.Server` (`python/server.py`):
/// the same set of checks `client_checks.py` runs against the Swift server.
@Suite("Swift client -> stock Python server", .timeLimit(.minutes(1)))
struct SwiftClientToPythonServerTests {
    /// Runs `body` with a fresh Python server and a Swift client connected to it; both
    /// are closed on every path out.
    func withClient(_ body: (Client, PythonPeer) async throws -> Void) async throws {
        try await withPythonServer(heartbeat: InteropFixture.heartbeat) { endpoint, server in
            let client = try Client(
                connect: [endpoint], options: ClientOptions(heartbeatInterval: InteropFixture.heartbeat))
            do {
                try await body(client, server)
                await client.close()
            } catch {
                await client.close()
                throw InteropSetupError("\(error)\n--- Python server stderr (tail):\n\(server.stderrText.suffix(3000))")
            }
        }
    }

    @Test func add() async throws {
        try await withClient { client, _ in
            let cases: [(MessagePackValue, MessagePackValue, MessagePackValue)] = [
                (1, 2, 3), (-5, 3, -2), (.int(1 << 40), .int(1 << 40), .int(1 << 41)), (1.5, 2.25, 3.75),
            ]
            for (a, b, sum) in cases {
                let got = try await client.call("add", [a, b])
                #expect(got == sum, "add(\(a), \(b))")
            }
        }
    }

    @Test func echoRoundTripsEveryMessagePackType() async throws {
        try await withClient { client, _ in
            for (name, sent, expected) in InteropFixture.echoCases() {
                let got = try await client.call("echo", [sent])
                #expect(identical(got, expected), "echo \(name): sent \(brief(sent)), got \(brief(got))")
            }
        }
    }

    @Test func remoteErrorCarriesNameAndMessage() async throws {
        try await withClient { client, _ in
            let error = await #expect(throws: RemoteError.self) { try await client.call("fail", ["boom"]) }
            #expect(error?.name == "ValueError")
            #expect(error?.message == "boom")
            #expect(
                error?.traceback?.contains("ValueError: boom") == true,
                "traceback: \(String(describing: error?.traceback))")
        }
    }

    /// Issue 17, defect 1: a stock server's `ValueError("boom")` arrives as the declared
    /// `ValueError` (its `message` filled from the ERR's), not as a `RemoteError`.
    @Test func aStockServersErrorArrivesAsTheDeclaredErrorOfItsName() async throws {
        try await withClient { client, _ in
            /// `fail("boom")`, with `declared` as the one error type the call declares.
            func failBoom(declaring declared: any DeclaredError.Type) async throws {
                _ = try await client.unary(
                    "fail", options: .defaults, declaredErrors: [declared],
                    arguments: { writer in
                        writer.writeArrayHeader(1)
                        writer.write("boom")
                    }, result: { try $0.read(MessagePackValue.self) })
            }
            let error = await #expect(throws: DeclaredValueError.self) {
                try await failBoom(declaring: DeclaredValueError.self)
            }
            #expect(error?.message == "boom")
            // A declared error whose other fields the ERR cannot fill stays a RemoteError.
            let remote = await #expect(throws: RemoteError.self) {
                try await failBoom(declaring: DeclaredValueErrorWithCode.self)
            }
            #expect(remote?.name == "ValueError")
        }
    }

    /// Issue 17, defect 6: Python's unpacker refuses non-string map keys and zerorpc
    /// drops the request unanswered (the caller waited 30 s). Once the client knows the
    /// server is a stock one, it refuses such arguments at once, naming the key's path.
    @Test func nonStringMapKeysAreRefusedBeforeTheyReachAStockServer() async throws {
        try await withClient { client, _ in
            #expect(try await client.call("add", [1, 2]) == 3)  // learns: a stock server
            do {
                _ = try await client.call("echo", [.map([.init(key: .int(7), value: "x")])])
                Issue.record("sent an int-keyed map to a stock server")
            } catch RPCError.invalidArgument(let method, let reason) {
                #expect(method == "echo")
                #expect(reason.contains("argument 0, key 7 (int)"), "\(reason)")
            }
            do {
                let nested: MessagePackValue = .map([
                    .init(key: "outer", value: .array([.map([.init(key: .bool(true), value: 1)])]))
                ])
                _ = try await client.call("echo", [nested])
                Issue.record("sent a bool-keyed map to a stock server")
            } catch RPCError.invalidArgument(_, let reason) {
                #expect(reason.contains("argument 0 .outer[0], key true (bool)"), "\(reason)")
            }
            #expect(
                try await client.call("echo", [.map([.init(key: "k", value: 1)])]) == .map([.init(key: "k", value: 1)]))
        }
    }

    @Test func wrongArityIsTypeError() async throws {
        try await withClient { client, _ in
            let error = await #expect(throws: RemoteError.self) { try await client.call("add", [1]) }
            #expect(error?.name == "TypeError", "\(String(describing: error))")
        }
    }

    @Test func unknownMethodIsNameError() async throws {
        try await withClient { client, _ in
            let error = await #expect(throws: RemoteError.self) { try await client.call("no_such_method", [1]) }
            #expect(error?.name == "NameError")
            #expect(error?.message == "no_such_method")
        }
    }

    @Test func concurrentCallsGetTheirOwnResults() async throws {
        try await withClient { client, _ in
            let results = try await withThrowingTaskGroup(of: (Int64, MessagePackValue).self) { group in
                for i in Int64(0)..<50 {
                    group.addTask { (i, try await client.call("add", [.int(i), .int(i)])) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 50)
            for (i, result) in results { #expect(result == .int(2 * i), "add(\(i), \(i))") }
        }
    }

    /// Python's server drops a call whose client stops heartbeating for ~3 periods, and
    /// the call lasts 4: it returns only if the Swift client heartbeats (and tolerates
    /// the server's heartbeats).
    @Test func slowCallOutlivesHeartbeatPeriods() async throws {
        try await withClient { client, _ in
            let seconds = InteropFixture.slowCallSeconds
            let started = ContinuousClock.now
            let result = try await client.call("slow", [.double(seconds)], options: CallOptions(timeout: .seconds(20)))
            let elapsed = ContinuousClock.now - started
            #expect(result == .double(seconds))
            #expect(elapsed >= .seconds(seconds), "answered after \(elapsed)")
        }
    }

    /// The Python server dies mid-call: its heartbeats stop, and the client must fail the
    /// call with `lostRemote` after about two periods instead of waiting for the timeout.
    @Test func serverDeathMidCallIsLostRemote() async throws {
        try await withClient { client, server in
            let started = ContinuousClock.now
            let call = Task { try await client.call("slow", [30.0], options: CallOptions(timeout: .seconds(25))) }
            try await Task.sleep(for: .milliseconds(1500))  // past the first heartbeat exchange
            server.stop()
            let error = await #expect(throws: RPCError.self) { try await call.value }
            let elapsed = ContinuousClock.now - started
            #expect(error == .lostRemote(method: "slow"), "\(String(describing: error))")
            // Well before the 25 s call timeout; ~4 s normally, up to ~9 s under ASan.
            #expect(elapsed < .seconds(15), "noticed after \(elapsed)")
        }
    }

    /// Cancelling calls may send one `_zpc_close` each to a server that never announced
    /// extensions; a stock server must shrug that off and keep answering.
    @Test func cancelledCallsLeaveTheStockServerWorking() async throws {
        try await withClient { client, _ in
            // 60 s calls: however long a loaded machine (the suite under ASan on 2 cores)
            // delays this task, the cancels below come before any reply could.
            let calls = (0..<20).map { _ in
                Task { try await client.call("slow", [60.0], options: CallOptions(timeout: .seconds(90))) }
            }
            try await Task.sleep(for: .milliseconds(300))
            for call in calls { call.cancel() }
            for call in calls {
                let result = await call.result
                #expect(throws: CancellationError.self) { try result.get() }
            }
            let sum = try await client.call("add", [1, 2], options: CallOptions(timeout: .seconds(15)))
            #expect(sum == 3)
            let slow = try await client.call("slow", [0.2], options: CallOptions(timeout: .seconds(15)))
            #expect(slow == 0.2)
        }
    }

    /// A deferral budget is an extension header a stock server ignores: the call just
    /// gets its late OK.
    @Test func deferralBudgetIsHarmlessToAStockServer() async throws {
        try await withClient { client, _ in
            let options = CallOptions(timeout: .seconds(10), deferAfter: .milliseconds(100))
            let result = try await client.call("slow", [1.0], options: options)
            #expect(result == 1.0)
        }
    }

    /// Trace context in the request header, as `ClientTracingInterceptor` writes it with a
    /// W3C propagator: extra keys a stock server ignores.
    @Test func traceHeaderIsHarmlessToAStockServer() async throws {
        struct W3CTraceHeader: ClientInterceptor {
            func intercept(
                _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
            ) async throws -> ClientReply {
                var request = request
                request.header["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                request.header["tracestate"] = "vendor=value"
                return try await next(request)
            }
        }
        try await withPythonServer(heartbeat: InteropFixture.heartbeat) { endpoint, _ in
            let client = try Client(
                connect: [endpoint],
                options: ClientOptions(heartbeatInterval: InteropFixture.heartbeat, interceptors: [W3CTraceHeader()]))
            #expect(try await client.call("add", [1, 2]) == 3)
            #expect(try await client.call("echo", ["traced"]) == "traced")
            await client.close()
        }
    }

    /// A timeout fails only its own call; the late reply must not reach a later call.
    @Test func timedOutCallsLateReplyIsDiscarded() async throws {
        try await withClient { client, _ in
            await #expect(throws: RPCError.self) {
                try await client.call("slow", [0.8], options: CallOptions(timeout: .milliseconds(200)))
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await client.call("add", [1, 2]) == 3)
            #expect(try await client.call("echo", ["after"]) == "after")
        }
    }

    /// A one-way call is not answered as far as the caller is concerned; Python's server
    /// still sends `OK [nil]`, which the client must drop without confusing later calls.
    @Test func onewayNotifyIsDelivered() async throws {
        try await withClient { client, _ in
            let token = "oneway-\(UInt64.random(in: 0...UInt64.max))"
            try await client.oneway("notify", options: .defaults) { writer in
                writer.writeArrayHeader(1)
                writer.write(token)
            }
            var seen: MessagePackValue = []
            for _ in 0..<50 {
                seen = try await client.call("notified", [])
                if seen.arrayValue?.contains(.string(token)) == true { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(seen.arrayValue?.contains(.string(token)) == true, "notified() = \(seen)")
            #expect(try await client.call("add", [2, 3]) == 5)
        }
    }

    /// A stock server answers a one-way call only after its handler ran, and abandons a
    /// call whose client goes silent for ~3 heartbeat periods. Once the client knows the
    /// server is stock (after any reply without `ext`), `oneway` returns as soon as the
    /// request is sent — here before the handler may even start its work, which waits
    /// for `release` — and the I/O thread keeps the channel heartbeating through the
    /// handler's sleep of several periods until the late reply nobody awaits.
    @Test func onewayToAStockServerReturnsAtOnceAndKeepsHeartbeating() async throws {
        try await withClient { client, _ in
            #expect(try await client.call("add", [1, 1]) == 2)
            let token = "later-\(UInt64.random(in: 0...UInt64.max))"
            let seconds = InteropFixture.slowCallSeconds
            // Awaiting the handler here would time out: it cannot finish before `release`.
            try await client.oneway("notify_after_release", options: CallOptions(timeout: .seconds(20))) { writer in
                writer.writeArrayHeader(2)
                writer.write(seconds)
                writer.write(token)
            }
            _ = try await client.call("release", [.string(token)])
            var seen: MessagePackValue = []
            for _ in 0..<200 where seen.arrayValue?.contains(.string(token)) != true {
                try await Task.sleep(for: .milliseconds(100))
                seen = try await client.call("notified", [])
            }
            #expect(seen.arrayValue?.contains(.string(token)) == true, "notified() = \(seen)")
        }
    }

    @Test func introspection() async throws {
        try await withClient { client, _ in
            let name = MessagePackValue.string(InteropFixture.serverName)
            #expect(try await client.call("_zerorpc_ping", []) == ["pong", name])
            #expect(try await client.call("_zerorpc_name", []) == name)

            let listed = try await client.call("_zerorpc_list", [])
            let names = Set(listed.arrayValue?.compactMap(\.stringValue) ?? [])
            #expect(names.isSuperset(of: InteropFixture.requiredMethods), "_zerorpc_list = \(listed)")

            #expect(try await client.call("_zerorpc_help", ["add"]) == .string(InteropFixture.addDoc))
            #expect(try await client.call("_zerorpc_help", ["echo"]) == .nil)
            // Needs the getargspec shim on Python 3.11: without it this is ERR AttributeError.
            #expect(try await client.call("_zerorpc_args", ["add"]) == [["self", "a", "b"], nil, nil, nil])

            let inspected = try await client.call("_zerorpc_inspect", [])
            #expect(inspected["name"] == name)
            let add = inspected["methods"]?["add"]
            #expect(add?["doc"] == .string(InteropFixture.addDoc), "inspect add = \(String(describing: add))")
            #expect(add?["args"] == [["name": "self"], ["name": "a"], ["name": "b"]])
        }
    }

    @Test func ipcEndpoint() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("zerorpc-interop-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try PythonPeer(
            script: "server.py",
            arguments: ["ipc://" + directory.appendingPathComponent("server.sock").path, "--name", "interop"])
        defer { server.stop() }
        let endpoint = try await server.waitForLine(prefix: "READY ")
        #expect(endpoint.hasPrefix("ipc://"))
        let client = try Client(connect: [endpoint])
        do {
            let sum = try await client.call("add", [20, 22])
            await client.close()
            #expect(sum == 42)
        } catch {
            await client.close()
            throw error
        }
    }
}

/// `error ValueError { message: string }`, as the code generator writes it.
struct DeclaredValueError: MessageOnlyError, Equatable {
    static let wireName = "ValueError"
    let message: String
}

/// `error ValueError { message: string, code: int }`: not buildable from an ERR's text.
struct DeclaredValueErrorWithCode: DeclaredError {
    static let wireName = "ValueError"
    let message: String
    let code: Int64

    func encode(to writer: inout MessagePackWriter) {
        writer.writeMapHeader(2)
        writer.write("message")
        writer.write(message)
        writer.write("code")
        writer.write(code)
    }

    init(from reader: inout MessagePackReader) throws {
        var message: String?
        var code: Int64?
        for _ in 0..<(try reader.readMapHeader()) {
            switch try reader.readString() {
            case "message": message = try reader.read(String.self)
            case "code": code = try reader.read(Int64.self)
            default: try reader.skipValue()
            }
        }
        guard let message, let code else { throw MessagePackDecodingError(expected: "message and code", found: "less") }
        self.message = message
        self.code = code
    }
}
