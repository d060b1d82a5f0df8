import Foundation
import Testing
import ZeroRPCTestSupport

@testable import ZeroRPC

/// issue 17: a client that grants huge credit and never reads must not grow the server's
/// memory. Its replies wait in a per-peer queue up to `maximumQueuedBytesPerPeer`; past
/// it the stream's handler waits as for missing credit, and nothing is lost: once the
/// client reads, every item arrives, in order.
@Suite struct PeerQueueBoundTests {
    /// `flood(n)`: n items of 1 KiB, each counted once written.
    struct Flood: RegistrableService {
        static let namespace: String? = nil
        static let interfaceDefinition = ""
        static let itemSize = 1024
        let written = TestCounter()

        var methods: [ServiceMethod] {
            [
                .stream("flood", parameters: [], doc: nil, element: Data.self) { arguments, stream, _ in
                    let count = try arguments.next(Int64.self, name: "count")
                    for index in 0..<count {
                        var item = Data(count: Self.itemSize)
                        withUnsafeBytes(of: index.bigEndian) { item.replaceSubrange(0..<8, with: $0) }
                        try await stream.write(item)
                        written.increment()
                    }
                }
            ]
        }
    }

    @Test func aClientThatGrantsHugeCreditAndNeverReadsHoldsTheStreamBack() async throws {
        let total = 60_000  // 60 MiB of items, if nothing held the handler back
        let flood = Flood()
        // The raw client never heartbeats: a period long enough that it is not lost (and
        // its call cancelled) however long a loaded machine takes for the test.
        var options = ServerOptions(heartbeatInterval: .seconds(300))
        options.maximumQueuedBytesPerPeer = 256 << 10
        let server = Server(name: "flood", options: options)
        try server.register(flood)
        let endpoint = try server.bind("tcp://127.0.0.1:0")
        let reader = try RawPeer(.dealer, connect: endpoint, receiveHighWaterMark: 16)
        let channel = reader.sendRequest("flood", arguments: encoded([.int(Int64(total))]))
        func grant(_ credit: Int64) {
            reader.sendGrant(.int(credit), on: channel)
        }
        // 2^62 credit at a time, over and over, as the hostile client did: the server
        // clamps what is outstanding to `HandlerInbox.maximumCredit` items, so credit
        // alone bounds nothing once the client keeps granting. The handler writes until
        // ZeroMQ's buffers, the per-peer queue and one outbox are full, then waits: its
        // count stops growing, far below the total.
        grant(1 << 59)
        await flood.written.wait(untilAtLeast: 1000)
        var last = -1
        while flood.written.value != last {
            last = flood.written.value
            for _ in 0..<6 {
                grant(1 << 59)
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let bound = 1000 /* SNDHWM */ + 16 /* RCVHWM */ + 8192 /* TCP buffers */ + 256 + 1024
        #expect(last < bound, "wrote \(last) items of 1 KiB for a client that read none")
        #expect(last < total)

        // The server still answers others at once.
        let other = try Client(connect: [endpoint])
        let described = try await other.inspect(options: .within(.seconds(10)))
        #expect(described.methods.map(\.name).contains("flood"))
        await other.close()

        // Reading (and granting as a stock client does) resumes the stream: every item,
        // in order, then the end.
        var next: Int64 = 0
        var ended = false
        while !ended, let event = await reader.receiveReply(within: .seconds(30)) {
            switch event.kind {
            case .stream:
                guard case .binary(let item)? = event.arguments, item.count == Flood.itemSize else {
                    Issue.record("item \(next) malformed")
                    return
                }
                let index = item.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
                #expect(index == next)
                next += 1
                if next % 1000 == 0 { grant(1000) }
            case .streamDone: ended = true
            default:
                Issue.record("unexpected \(event.name)")
                return
            }
        }
        #expect(ended)
        #expect(next == Int64(total))
        await server.close()
    }
}
