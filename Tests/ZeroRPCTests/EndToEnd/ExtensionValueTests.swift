import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// Odd values in our protocol extensions (issue 17): a malformed `deferred` budget,
/// `wait_ms`, idempotency key or `_zpc_throw` is answered with an error naming it, never
/// silently read as zero or as an error called "Exception"; limits on idempotency keys
/// hold; built-ins are never deferred. Raw DEALER peers send exactly the bytes under test.
@Suite(.timeLimit(.minutes(1))) struct ExtensionValueTests {
    /// A server with `hold` (waits for `release`, counting its runs), `quick` (answers at
    /// once) and a raw peer connected to it.
    struct Fixture {
        let server: Server
        let peer: RawPeer
        let release = TestGate()
        let runs = TestCounter()

        init(options: ServerOptions = .init(heartbeatInterval: .seconds(10))) throws {
            server = Server(options: options)
            let (release, runs) = (release, runs)
            try server.register(name: "hold") { _, _ in
                runs.increment()
                await release.wait()
                return .string("done")
            }
            try server.register(name: "quick") { arguments, _ in arguments.first ?? .nil }
            peer = try RawPeer(
                .dealer, connect: try server.bind(TestTransport.inproc.bindEndpoint()), answersHeartbeats: true)
        }

        /// Sends one request with `header` added and returns its reply.
        func call(
            _ name: String, _ arguments: [MessagePackValue], header: [(String, MessagePackValue)] = []
        ) async -> EventEnvelope? {
            let id = MessageIDGenerator.shared.next()
            peer.sendPayload(
                EventEncoder.encode(
                    messageID: id, responseTo: nil, extraHeader: header.map { ($0.0, encoded($0.1)) }, name: name,
                    arguments: encoded(.array(arguments))))
            let reply = await peer.receiveReply()
            #expect(reply?.responseToArray == id)
            return reply
        }

        /// A `hold` call deferred at once; returns its token.
        func deferredHold(key: String? = nil) async throws -> String {
            var header: [(String, MessagePackValue)] = [("deferred", .int(0))]
            if let key { header.append(("idem", .string(key))) }
            let reply = await call("hold", [], header: header)
            #expect(reply?.name == "DEFERRED")
            return try #require(reply?.arguments?[0]?.stringValue)
        }

        func close() async {
            release.open()
            await server.close()
        }
    }

    // MARK: The "deferred" budget

    static let malformedNumbers: [MessagePackValue] = [
        .double(.nan), .double(.infinity), .double(-.infinity), .double(-1), .float(.nan), .int(-1), .int(.min),
        .string("soon"), .nil, .bool(true), .array([.int(5)]), .binary(Data([1])),
    ]

    @Test(arguments: malformedNumbers)
    func aMalformedBudgetIsATypeErrorNamingIt(_ budget: MessagePackValue) async throws {
        let fixture = try Fixture()
        let reply = await fixture.call("quick", [.int(1)], header: [("deferred", budget)])
        #expect(reply?.name == "ERR")
        #expect(reply?.arguments?[0] == "TypeError")
        #expect(reply?.arguments?[1]?.stringValue?.contains("'deferred'") == true, "\(String(describing: reply))")
        await fixture.close()
    }

    /// Huge budgets are clamped (to 24 days), not refused and not trapped on.
    @Test(arguments: [MessagePackValue.uint(.max), .double(1e300), .float(3e38), .int(.max), .double(2_500.5)])
    func aHugeOrFractionalBudgetIsClamped(_ budget: MessagePackValue) async throws {
        let fixture = try Fixture()
        let reply = await fixture.call("quick", [.int(7)], header: [("deferred", budget)])
        #expect(reply?.name == "OK")
        #expect(reply?.arguments == [.int(7)])
        await fixture.close()
    }

    /// A budget of 0 defers a user method at once but never a built-in: pings and
    /// introspection answer in full whatever the header says, even a malformed one.
    @Test func builtInsAreNeverDeferred() async throws {
        let fixture = try Fixture()
        let token = try await fixture.deferredHold()
        #expect(DeferredToken(token) != nil)
        for name in ["_zerorpc_ping", "_zerorpc_inspect", "_zerorpc_list", "_zerorpc_name"] {
            for budget: MessagePackValue in [.int(0), .double(.nan)] {
                let reply = await fixture.call(name, [], header: [("deferred", budget)])
                #expect(reply?.name == "OK", "\(name) with budget \(budget): \(String(describing: reply?.name))")
            }
        }
        await fixture.close()
    }

    // MARK: wait_ms of _zpc_result

    @Test(arguments: malformedNumbers.filter { $0 != .nil })
    func aMalformedWaitIsATypeErrorNamingIt(_ wait: MessagePackValue) async throws {
        let fixture = try Fixture()
        let token = try await fixture.deferredHold()
        let reply = await fixture.call("_zpc_result", [.string(token), wait])
        #expect(reply?.name == "ERR")
        #expect(reply?.arguments?[0] == "TypeError")
        #expect(reply?.arguments?[1]?.stringValue?.contains("'wait_ms'") == true, "\(String(describing: reply))")
        await fixture.close()
    }

    /// 2^63 and 1e300 ms are valid waits, clamped to the 10 s cap: the poll waits (it
    /// does not answer at once as a wait of 0 would) and answers when the job ends.
    @Test(arguments: [MessagePackValue.uint(1 << 63), .double(1e300)])
    func aHugeWaitIsClampedToTheCap(_ wait: MessagePackValue) async throws {
        let fixture = try Fixture()
        let token = try await fixture.deferredHold()
        let id = MessageIDGenerator.shared.next()
        fixture.peer.sendPayload(
            EventEncoder.encode(
                messageID: id, responseTo: nil, name: "_zpc_result", arguments: encoded([.string(token), wait])))
        #expect(await fixture.peer.receiveReply(within: .milliseconds(300)) == nil, "answered without waiting")
        fixture.release.open()
        let reply = await fixture.peer.receiveReply()
        #expect(reply?.name == "OK")
        #expect(reply?.arguments == [.string("done")])
        await fixture.close()
    }

    // MARK: Idempotency keys

    @Test func aHugeIdempotencyKeyIsRefusedAndNothingRuns() async throws {
        let fixture = try Fixture()
        let key = String(repeating: "k", count: 1 << 20)
        let reply = await fixture.call("hold", [], header: [("deferred", .int(0)), ("idem", .string(key))])
        #expect(reply?.name == "ERR")
        #expect(reply?.arguments?[0] == .string(DeferredWire.ErrorName.keyTooLong))
        #expect(reply?.arguments?[1]?.stringValue?.contains("1048576 bytes") == true)
        let longest = String(repeating: "é", count: 128)  // 256 bytes: the default limit
        _ = try await fixture.deferredHold(key: longest)
        // DEFERRED may overtake the handler's start: wait for it, then count.
        #expect(await fixture.runs.reaches(1))
        #expect(fixture.runs.value == 1, "only the call with a key within the limit ran")
        let malformed = await fixture.call("hold", [], header: [("deferred", .int(0)), ("idem", .int(7))])
        #expect(malformed?.arguments?[0] == "TypeError")
        #expect(malformed?.arguments?[1]?.stringValue?.contains("'idem'") == true)
        await fixture.close()
    }

    /// Keys count against `maximumIdempotencyKeys`: past it a keyed call is refused
    /// (`ServerBusy`) and does not run, calls without a key go on, and a key whose result
    /// was acknowledged frees its place. The store stays bounded.
    @Test func idempotencyKeysAreCountedAgainstTheLimit() async throws {
        let store = MemoryResultStore()
        var options = ServerOptions(heartbeatInterval: .seconds(10), deferred: .init(store: store))
        options.maximumIdempotencyKeys = 5
        let fixture = try Fixture(options: options)
        var tokens: [String] = []
        for index in 0..<5 { tokens.append(try await fixture.deferredHold(key: "key-\(index)")) }
        for index in 5..<50 {
            let reply = await fixture.call(
                "hold", [], header: [("deferred", .int(0)), ("idem", .string("key-\(index)"))])
            #expect(reply?.arguments?[0] == "ServerBusy", "key \(index): \(String(describing: reply?.name))")
        }
        #expect(await fixture.runs.reaches(5))
        #expect(fixture.runs.value == 5)
        #expect(store.entryCount == 5)
        // Resending a held key still finds its token; a call without a key still runs.
        #expect(try await fixture.deferredHold(key: "key-0") == tokens[0])
        _ = try await fixture.deferredHold()
        #expect(await fixture.runs.reaches(6))
        #expect(fixture.runs.value == 6)
        fixture.release.open()
        let result = await fixture.call("_zpc_result", [.string(tokens[0]), .int(5_000)])
        #expect(result?.name == "OK")
        #expect(await fixture.call("_zpc_ack", [.string(tokens[0])])?.name == "OK")
        let admitted = await fixture.call(
            "hold", [], header: [("deferred", .int(5_000)), ("idem", .string("key-new"))])
        #expect(admitted?.name == "OK", "the acknowledged key's place was not freed")
        await fixture.close()
    }

    // MARK: Deferred-token abuse

    /// Unknown, huge and malformed tokens get an error each; a flood of polls gets an
    /// answer each and the server goes on serving.
    @Test func deferredTokenAbuseIsAnsweredAndBounded() async throws {
        let fixture = try Fixture()
        let token = try await fixture.deferredHold()
        let unknown = DeferredToken(issuer: .random()).text
        for name in ["_zpc_result", "_zpc_status"] {
            #expect(await fixture.call(name, [.string(unknown)])?.arguments?[0] == "DeferredNotFound")
        }
        #expect(await fixture.call("_zpc_cancel", [.string(unknown)])?.arguments == [.bool(false)])
        let malformed: [[MessagePackValue]] = [
            [], [.nil], [.int(42)], [.string("")], [.string("not-a-token")],
            [.string(String(repeating: "A", count: 1 << 20))], [.binary(Data(token.utf8))],
            [.array([.string(token)])],
        ]
        for name in ["_zpc_result", "_zpc_status", "_zpc_cancel", "_zpc_ack"] {
            for arguments in malformed {
                let reply = await fixture.call(name, arguments)
                #expect(reply?.arguments?[0] == "TypeError", "\(name) \(arguments.description.prefix(60))")
            }
        }
        let polls = (0..<1_000).map { _ in
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: nil, name: "_zpc_result",
                arguments: encoded([.string(token), .int(0)]))
        }
        let pending = fixture.peer.startReceiving(1_000)
        await fixture.peer.sendPayloadsOnThread(polls)
        let replies = await pending.messages.compactMap { $0.last.flatMap { try? EventEnvelope(decoding: $0) } }
        #expect(replies.filter { $0.name == "DEFERRED" }.count == 1_000)
        #expect(await fixture.call("_zerorpc_ping", [])?.name == "OK")
        fixture.release.open()
        #expect(await fixture.call("_zpc_result", [.string(token), .int(5_000)])?.arguments == [.string("done")])
        await fixture.close()
    }

    // MARK: _zpc_throw

    /// A `_zpc_throw` that is not `[name, message]` strings ends the generator call with
    /// `ERR ProtocolError` (as a malformed `_zpc_more` does) instead of reaching the
    /// handler as an error named "Exception".
    @Test(arguments: [
        [MessagePackValue](), [.int(1)], [.nil, .string("m")], [.string("")], [.string("E"), .int(2)],
        [.string("E"), .string("m"), .string("extra")],
    ])
    func aMalformedThrowEndsTheGeneratorWithAProtocolError(_ arguments: [MessagePackValue]) async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(.tcp) { try $0.register(service) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = peer.sendRequest("calc.running_total", arguments: encoded([]))
        #expect(await peer.receiveReplies(1).first?.name == "STREAM")  // the first yield
        peer.sendPayload(
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: channel[...], name: "_zpc_throw",
                arguments: encoded(.array(arguments))))
        // Items the generator yielded before may come first; the ERR must follow.
        let replies = await peer.receiveReplies(3, within: .seconds(2))
        let reply = replies.first { $0.name != "STREAM" }
        #expect(reply?.name == "ERR")
        #expect(reply?.arguments?[0] == "ProtocolError")
        #expect(await opens(service.events.cancelled), "the handler went on after the malformed throw")
        await fixture.close()
    }

    /// A well-formed `[name]` (the message may be left out) still reaches the handler,
    /// which catches "Reset" and yields on.
    @Test func aWellFormedThrowStillReachesTheHandler() async throws {
        let service = CountingCalculator()
        let fixture = try ServerFixture(.tcp) { try $0.register(service) }
        let peer = try RawPeer(.dealer, connect: fixture.endpoint, answersHeartbeats: true)
        let channel = peer.sendRequest("calc.running_total", arguments: encoded([]))
        #expect(await peer.receiveReplies(1).first?.name == "STREAM")
        peer.sendPayload(
            EventEncoder.encode(
                messageID: MessageIDGenerator.shared.next(), responseTo: channel[...], name: "_zpc_throw",
                arguments: encoded([.string("Reset")])))
        let replies = await peer.receiveReplies(3, within: .seconds(1))
        #expect(replies.contains { $0.name == "STREAM" }, "no item after the throw")
        #expect(!replies.contains { $0.name == "ERR" }, "a well-formed throw ended the call")
        await fixture.close()
    }
}
