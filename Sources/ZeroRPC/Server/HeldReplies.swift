/// Replies a server's turn made for one client that reads several events a message
/// (`ProtocolExtension.batch`), waiting to go out together when the turn polls
/// (`ServerLoop.hold`): 64 calls in flight cost the client one receive, not 64
/// (docs/ARCHITECTURE.md, "Replies several to a message").
struct HeldReplies {
    /// The most bytes one message of replies holds (a stream's batches hold as many).
    static let byteLimit = StreamOutbox.batchLimit

    /// The peer the replies go to, as its routing frames.
    private(set) var routing: [[UInt8]] = []
    private var replies: [[UInt8]] = []
    private var byteCount = 0
    /// Where several replies are copied back to back; its storage serves every batch
    /// once the message made from it is sent.
    private var batch: [UInt8] = []

    var isEmpty: Bool { replies.isEmpty }
    var count: Int { replies.count }

    /// Whether `reply` may join the held replies: for the same peer and within
    /// `byteLimit`.
    func canAdd(_ reply: [UInt8], for routing: [[UInt8]]) -> Bool {
        byteCount + reply.count <= Self.byteLimit && routing == self.routing
    }

    /// Holds `reply` for `routing`, which `canAdd` allowed (or the first reply).
    mutating func add(_ reply: [UInt8], for routing: [[UInt8]]) {
        if replies.isEmpty { self.routing = routing }
        replies.append(reply)
        byteCount += reply.count
    }

    /// The held replies as one payload (one reply as itself, without a copy), leaving
    /// none held.
    mutating func takePayload() -> [UInt8] {
        defer {
            replies.removeAll(keepingCapacity: true)
            byteCount = 0
        }
        if replies.count == 1 { return replies[0] }
        batch.removeAll(keepingCapacity: true)
        batch.reserveCapacity(byteCount)
        for reply in replies { batch.append(contentsOf: reply) }
        return batch
    }
}
