import Foundation
import Testing
import ZeroRPC

/// Streams across languages: the Swift client iterates stock Python `@zerorpc.stream`
/// methods (`python/stream_server.py`), and a stock Python client iterates Swift streams
/// and generators (`python/stream_checks.py`).
@Suite("Streams interop with stock Python zerorpc", .timeLimit(.minutes(2)))
struct StreamInteropTests {
    func withStreamServer(_ body: (Client) async throws -> Void) async throws {
        let server = try PythonPeer(
            script: "stream_server.py",
            arguments: ["tcp://127.0.0.1:*", "--heartbeat", InteropFixture.heartbeat.secondsText])
        defer { server.stop() }
        let endpoint = try await server.waitForLine(prefix: "READY ")
        let client = try Client(
            connect: [endpoint], options: ClientOptions(heartbeatInterval: InteropFixture.heartbeat))
        do {
            try await body(client)
            await client.close()
        } catch {
            await client.close()
            throw InteropSetupError("\(error)\n--- Python server stderr (tail):\n\(server.stderrText.suffix(3000))")
        }
    }

    func items(_ client: Client, _ method: String, _ arguments: [MessagePackValue]) async throws -> [Int64] {
        var items: [Int64] = []
        for try await item in try await client.stream(method, arguments) { items.append(item.int64Value ?? -1) }
        return items
    }

    @Test func swiftClientIteratesPythonStreams() async throws {
        try await withStreamServer { client in
            let none = try await items(client, "countdown", [0])
            #expect(none == [])
            let five = try await items(client, "countdown", [5])
            #expect(five == [5, 4, 3, 2, 1])
            let many = try await items(client, "countdown", [250])
            #expect(many == Array((1...250).reversed()))
            // Longer than the window, so the client's _zpc_more batches must be right.
            let beyondWindow = try await items(client, "countdown", [1000])
            #expect(beyondWindow.count == 1000)
        }
    }

    @Test func pythonErrorMidStreamComesAfterItsItems() async throws {
        try await withStreamServer { client in
            var got: [Int64] = []
            let error = await #expect(throws: RemoteError.self) {
                for try await item in try await client.stream("fail_after", [3]) { got.append(item.int64Value ?? -1) }
            }
            #expect(got == [1, 2, 3])
            #expect(error?.name == "ValueError")
            #expect(error?.message == "failed after 3")
        }
    }

    /// Breaking out sends one `_zpc_close` to a server that never announced extensions;
    /// the stock server must shrug it off and keep serving the same client.
    @Test func breakingOutOfAPythonStreamLeavesTheServerWorking() async throws {
        try await withStreamServer { client in
            for _ in 0..<5 {
                var seen = 0
                for try await _ in try await client.stream("forever", []) {
                    seen += 1
                    if seen == 120 { break }
                }
                #expect(seen == 120)
            }
            let after = try await items(client, "countdown", [3])
            #expect(after == [3, 2, 1])
            #expect(try await client.call("add", [1, 2]) == 3)
        }
    }

    /// A Python stream pausing for 3 heartbeat periods stays open: both ends heartbeat.
    @Test func slowPythonStreamSurvivesOnHeartbeats() async throws {
        try await withStreamServer { client in
            let pair = try await items(client, "slow_pair", [3.0])
            #expect(pair == [1, 2])
        }
    }

    /// A stock server announces no extensions: a generator's `next()` works (it is a
    /// stream with one item prefetched), `send` and `throw` are refused locally.
    @Test func generatorAgainstAStockServerSupportsNextOnly() async throws {
        try await withStreamServer { client in
            let countdown = try await client.generator("countdown", [3])
            #expect(try await countdown.next() == 3)
            await #expect(throws: GeneratorError.unsupportedByServer(method: "countdown", operation: "send")) {
                try await countdown.send(1)
            }
            #expect(try await countdown.next() == 2)
            #expect(try await countdown.next() == 1)
            #expect(try await countdown.next() == nil)
            await countdown.close()
        }
    }

    @Test func pythonClientIteratesSwiftStreamsAndGenerators() async throws {
        let abandoned = AbandonedStreamProbe()
        let server = Server(
            name: "swift-streams",
            options: ServerOptions(heartbeatInterval: InteropFixture.heartbeat, exposeErrorDetails: true))
        try server.register(SwiftStreamService(abandoned: abandoned))
        let endpoint = try bindToFreePort(server)
        let client = try PythonPeer(
            script: "stream_checks.py", arguments: [endpoint, "--heartbeat", InteropFixture.heartbeat.secondsText])
        defer { client.stop() }
        let status = try await client.waitForExit(timeout: .seconds(90))
        let report = CheckReport(stdout: client.stdoutLines, exitStatus: status, stderr: client.stderrText)
        #expect(
            report.lines.map(\.check) == [
                "countdown_0", "countdown_5", "countdown_250", "slow_consumer_gets_everything", "error_mid_stream",
                "generator_iterates_as_a_stream", "abandoned_stream_leaves_the_client_working",
            ])
        for line in report.lines {
            #expect(line.ok, "\(line.check): \(line.detail?.description ?? "")")
        }
        #expect(report.exitStatus == 0, "stream_checks.py exited \(report.exitStatus)\n\(report.stderrTail)")
        // The stock client never closes the abandoned stream: its handler waits for credit
        // until the client stops heartbeating, then the server cancels it.
        #expect(abandoned.maximumLead <= ResponseStream<Int64>.creditWindow + 1, "lead \(abandoned.maximumLead)")
        client.stop()
        #expect(await abandoned.cancelled.waitUpTo(.seconds(20)))
        await server.close()
    }
}

/// Records how far the `forever` handler ran ahead and whether it was cancelled.
final class AbandonedStreamProbe: Sendable {
    let cancelled = AsyncFlag()
    private let written = LockedValue(0)

    func wrote() { written.withLock { $0 += 1 } }

    /// `forever` is read 5 items deep: everything beyond is what credit allowed.
    var maximumLead: Int { written.withLock { $0 } - 5 }
}

/// A flag a test can await with a bound.
final class AsyncFlag: Sendable {
    private let isSet = LockedValue(false)

    func set() { isSet.withLock { $0 = true } }

    func waitUpTo(_ limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if isSet.withLock({ $0 }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return isSet.withLock { $0 }
    }
}

/// The method set `stream_checks.py` expects, served by Swift.
struct SwiftStreamService: RegistrableService {
    struct ValueError: Error, CustomStringConvertible {
        let description: String
    }

    let abandoned: AbandonedStreamProbe

    static var namespace: String? { nil }
    static var interfaceDefinition: String { "" }

    var methods: [ServiceMethod] {
        let abandoned = self.abandoned
        return [
            .stream("countdown", parameters: [.init(name: "n")], doc: nil, element: Int64.self) {
                arguments, stream, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                var i = n
                while i > 0 {
                    try await stream.write(i)
                    i -= 1
                }
            },
            .stream("fail_after", parameters: [.init(name: "n")], doc: nil, element: Int64.self) {
                arguments, stream, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for i in 1...max(n, 1) { try await stream.write(i) }
                throw ValueError(description: "failed after \(n)")
            },
            .generator("squares", parameters: [.init(name: "n")], doc: nil, yield: Int64.self, sent: Int64.self) {
                arguments, generator, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for i in 0..<n { _ = try await generator.yield(i * i) }
            },
            .stream("forever", parameters: [], doc: nil, element: Int64.self) { arguments, stream, _ in
                try arguments.finish()
                var i: Int64 = 0
                do {
                    while true {
                        try await stream.write(i)
                        abandoned.wrote()
                        i += 1
                    }
                } catch {
                    abandoned.cancelled.set()
                    throw error
                }
            },
        ]
    }
}
