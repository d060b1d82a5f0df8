/// Replies a server's turn made for one client that reads several events a message
/// (`ProtocolExtension.batch`), waiting to go out together when the turn polls
/// (`ServerLoop.hold`): 64 calls in flight cost the client one receive, not 64
/// (docs/ARCHITECTURE.md, "Replies several to a message").
struct HeldReplies {
    /// The most bytes one message of replies holds (a stream's batches hold as many).
    static let byteLimit = StreamOutbox.batchLimit
    /// The most replies one message holds. The client starts on them while the server
    /// still runs the turn's other handlers: holding a whole turn's replies (64 calls in
    /// flight) cost a fifth of the throughput on two cores, the two sides no longer
    /// working at once; 16 keep that overlap and leave a sixteenth of the per-message cost
    /// (docs/ARCHITECTURE.md, "Replies several to a message").
    static let countLimit = 16

    /// The peer the replies go to, as its routing frames.
    private(set) var routing: [[UInt8]] = []
    /// How many replies are held.
    private(set) var count = 0
    /// The first reply, kept as it is: a turn that answers one call (every sequential
    /// call) sends it without a copy.
    private var first: [UInt8] = []
    /// From the second reply on: every held reply back to back. Its storage serves every
    /// batch once the message made from it is sent.
    private var batch: [UInt8] = []

    var isEmpty: Bool { count == 0 }

    /// Whether `reply` may join the held replies: for the same peer and within
    /// `byteLimit`.
    func canAdd(_ reply: [UInt8], for routing: [[UInt8]]) -> Bool {
        (count == 1 ? first.count : batch.count) + reply.count <= Self.byteLimit && routing == self.routing
    }

    /// Holds `reply` for `routing`, which `canAdd` allowed (or the first reply).
    mutating func add(_ reply: [UInt8], for routing: [[UInt8]]) {
        switch count {
        case 0:
            self.routing = routing
            first = reply
        case 1:
            batch.removeAll(keepingCapacity: true)
            batch.append(contentsOf: first)
            batch.append(contentsOf: reply)
            first = []
        default:
            batch.append(contentsOf: reply)
        }
        count += 1
    }

    /// The held replies as one payload (one reply as itself, without a copy), leaving
    /// none held.
    mutating func takePayload() -> [UInt8] {
        defer { count = 0 }
        guard count == 1 else { return batch }
        defer { first = [] }
        return first
    }
}
