import CZeroMQ
import Foundation
import ZeroRPCTestSupport

@testable import ZeroRPC

/// A bare DEALER or ROUTER socket for tests that speak the wire by hand: malformed
/// input, peers that never heartbeat, exact bytes.
///
/// A thread of its own reads the socket and hands messages to the tasks awaiting them,
/// so no wait ever holds a Swift concurrency thread:
/// - a peer that `answersHeartbeats` reads all the time and answers each `_zpc_hb` as it
///   arrives, the way a stock client's heartbeat loop does. The server, which drops a
///   call whose client stays silent for two periods, keeps its calls however long the
///   test's own task waits for a CPU (docs/ARCHITECTURE.md, the 2-core traps).
/// - any other peer reads only while a receive is waiting: unread messages stay in the
///   socket (high-water-mark tests rely on it) and heartbeats go unanswered.
final class RawPeer: Sendable {
    /// The endpoint bound, when the peer was created with `bind`.
    let endpoint: String

    /// Whether the reading thread answers every `_zpc_hb` it sees with one of its own
    /// (a ROUTER answers the peer it came from).
    let answersHeartbeats: Bool

    private let reader: Reader

    /// How long a receive waits by default: 30 s, five times that in sanitized runs
    /// (`TestTiming`); a passing test returns as soon as its messages arrived.
    static let patience = TestTiming.patient(.seconds(30))

    convenience init(
        _ kind: ZMQSocket.Kind, connect endpoint: String, receiveHighWaterMark: Int32? = nil,
        answersHeartbeats: Bool = false
    ) throws {
        try self.init(kind, receiveHighWaterMark: receiveHighWaterMark, answersHeartbeats: answersHeartbeats) {
            try $0.connect(endpoint)
            return endpoint
        }
    }

    convenience init(
        _ kind: ZMQSocket.Kind, bind endpoint: String, receiveHighWaterMark: Int32? = nil,
        answersHeartbeats: Bool = false
    ) throws {
        try self.init(kind, receiveHighWaterMark: receiveHighWaterMark, answersHeartbeats: answersHeartbeats) {
            try $0.bind(endpoint)
        }
    }

    /// A socket of `kind` with its options set, attached by `attach` (which returns the
    /// endpoint to record), read by a thread of its own.
    private init(
        _ kind: ZMQSocket.Kind, receiveHighWaterMark: Int32?, answersHeartbeats: Bool,
        attach: (ZMQSocket) throws -> String
    ) throws {
        self.answersHeartbeats = answersHeartbeats
        let socket = try ZMQSocket(kind)
        if let receiveHighWaterMark { try socket.setOption(ZMQ_RCVHWM, receiveHighWaterMark) }
        endpoint = try attach(socket)
        reader = try Reader(socket: socket, answersHeartbeats: answersHeartbeats)
    }

    deinit {
        reader.close()
    }

    /// Sends `frames` as one multipart message, waiting for room if needed.
    func send(_ frames: [[UInt8]]) {
        reader.send(frames)
    }

    /// Sends many payloads from a thread of its own, so a full queue never holds a Swift
    /// concurrency thread while the server drains it.
    func sendPayloadsOnThread(_ payloads: [[UInt8]]) async {
        await withCheckedContinuation { continuation in
            Thread {
                for payload in payloads { self.sendPayload(payload) }
                continuation.resume()
            }.start()
        }
    }

    /// From a DEALER: `["", payload]`.
    func sendPayload(_ payload: [UInt8]) {
        send([[], payload])
    }

    /// A request `[{message_id, v: 3}, name, args]` from a DEALER; returns its raw id.
    @discardableResult
    func sendRequest(
        _ name: String, arguments: [UInt8], messageID: [UInt8] = MessageIDGenerator.shared.next()
    )
        -> [UInt8]
    {
        sendPayload(EventEncoder.encode(messageID: messageID, responseTo: nil, name: name, arguments: arguments))
        return messageID
    }

    /// The next message (heartbeats included), or nil when none arrives within `timeout`.
    func receive(within timeout: Duration = RawPeer.patience) async -> [[UInt8]]? {
        await startReceiving(1, within: timeout).messages.first
    }

    /// Starts reading the next `count` messages at once, on the peer's thread, for a test
    /// whose own task may wait for a CPU before it gets to await them.
    func startReceiving(_ count: Int, within timeout: Duration = RawPeer.patience) -> PendingMessages {
        PendingMessages(reader: reader, id: reader.register(count, idleLimit: timeout))
    }

    /// A receive started by ``startReceiving(_:within:)``.
    struct PendingMessages: Sendable {
        fileprivate let reader: Reader
        fileprivate let id: UInt64

        /// The messages, once all arrived or `timeout` passed without one.
        var messages: [[[UInt8]]] {
            get async { await reader.outcome(of: id) }
        }
    }

    /// The next `count` events that are not heartbeats; `onHeartbeat` sees each heartbeat
    /// in between. Stops early when nothing arrives in `timeout`.
    func receiveReplies(
        _ count: Int, within timeout: Duration = RawPeer.patience,
        onHeartbeat: @Sendable (EventEnvelope) -> Void = { _ in }
    ) async -> [EventEnvelope] {
        var replies: [EventEnvelope] = []
        while replies.count < count, let frames = await receive(within: timeout) {
            guard let payload = frames.last, let event = try? EventEnvelope(decoding: payload) else { continue }
            if event.name == "_zpc_hb" {
                onHeartbeat(event)
            } else {
                replies.append(event)
            }
        }
        return replies
    }

    /// The next message whose event is not a heartbeat, as its frames: a raw server's next
    /// request, however long the test's tasks waited for a CPU (a client's heartbeats on
    /// its open calls come in between then).
    func receiveSkippingHeartbeats(within timeout: Duration = RawPeer.patience) async -> [[UInt8]]? {
        while let frames = await receive(within: timeout) {
            if let payload = frames.last, let event = try? EventEnvelope(decoding: payload), event.name == "_zpc_hb" {
                continue
            }
            return frames
        }
        return nil
    }

    /// A raw server's `OK [value]` answering the request that `frames` carried (its last
    /// frame).
    static func okReply(answering frames: [[UInt8]], with value: MessagePackValue) throws -> [UInt8] {
        guard let payload = frames.last else { throw MalformedEvent(reason: "no frames") }
        let request = try EventEnvelope(decoding: payload)
        return EventEncoder.encode(responseTo: request.messageID, name: EventName.ok, arguments: encoded([value]))
    }

    /// The next message decoded as an event (its last frame), skipping nothing.
    func receiveEvent(within timeout: Duration = RawPeer.patience) async -> EventEnvelope? {
        guard let frames = await receive(within: timeout), let payload = frames.last else { return nil }
        return try? EventEnvelope(decoding: payload)
    }

    /// The next event that is not a heartbeat.
    func receiveReply(within timeout: Duration = RawPeer.patience) async -> EventEnvelope? {
        while let event = await receiveEvent(within: timeout) {
            if event.name != "_zpc_hb" { return event }
        }
        return nil
    }
}

extension EventEnvelope {
    /// The args value decoded dynamically.
    var arguments: MessagePackValue? {
        var reader = argumentsReader()
        return try? reader.read(MessagePackValue.self)
    }
}

/// Encodes one dynamic value, for hand-built args.
func encoded(_ value: MessagePackValue) -> [UInt8] {
    var writer = MessagePackWriter()
    writer.write(value)
    return writer.bytes
}

extension EventEnvelope {
    /// `responseTo` as an array, for comparing with ids the tests hold.
    var responseToArray: [UInt8]? { responseTo.map(Array.init) }
    /// `messageID` as an array.
    var messageIDArray: [UInt8] { Array(messageID) }
}
