import CZeroMQ
import Foundation

@testable import ZeroRPC

/// A bare DEALER or ROUTER socket for tests that speak the wire by hand: malformed
/// input, peers that never heartbeat, exact bytes. Blocking waits run on a thread of
/// their own so they never hold a Swift concurrency thread.
final class RawPeer: Sendable {
    private let socket: LockedValue<ZMQSocket>
    /// The endpoint bound, when the peer was created with `bind`.
    let endpoint: String

    /// Whether the receiving thread answers every `_zpc_hb` it sees with one of its own,
    /// so the peer stays alive even while the test's task waits for a CPU.
    let answersHeartbeats: Bool

    init(
        _ kind: ZMQSocket.Kind, connect endpoint: String, receiveHighWaterMark: Int32? = nil,
        answersHeartbeats: Bool = false
    ) throws {
        self.answersHeartbeats = answersHeartbeats
        let socket = try ZMQSocket(kind)
        if let receiveHighWaterMark { try socket.setOption(ZMQ_RCVHWM, receiveHighWaterMark) }
        try socket.connect(endpoint)
        self.socket = LockedValue(socket)
        self.endpoint = endpoint
    }

    init(_ kind: ZMQSocket.Kind, bind endpoint: String, receiveHighWaterMark: Int32? = nil) throws {
        answersHeartbeats = false
        let socket = try ZMQSocket(kind)
        if let receiveHighWaterMark { try socket.setOption(ZMQ_RCVHWM, receiveHighWaterMark) }
        let bound = try socket.bind(endpoint)
        self.socket = LockedValue(socket)
        self.endpoint = bound
    }

    deinit {
        socket.withLock { $0.close() }
    }

    /// Sends `frames` as one multipart message, waiting for room if needed.
    func send(_ frames: [[UInt8]]) {
        socket.withLock { socket in
            while socket.send(frames) == .wouldBlock {
                var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLOUT), revents: 0)
                _ = zmq_poll(&item, 1, 10)
            }
        }
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

    /// The next message, or nil when none arrives within `timeout`.
    func receive(within timeout: Duration = .seconds(30)) async -> [[UInt8]]? {
        await withCheckedContinuation { continuation in
            // A thread of its own: Dispatch's pool is as small as the machine and would
            // starve when many tests wait at once.
            Thread {
                continuation.resume(returning: self.blockingReceive(timeout: timeout))
            }.start()
        }
    }

    /// The next `count` events that are not heartbeats, read on one thread; `onHeartbeat`
    /// sees each heartbeat on that thread. Stops early when nothing arrives in `timeout`.
    func receiveReplies(
        _ count: Int, within timeout: Duration = .seconds(30),
        onHeartbeat: @escaping @Sendable (EventEnvelope) -> Void = { _ in }
    ) async -> [EventEnvelope] {
        await withCheckedContinuation { continuation in
            Thread {
                var replies: [EventEnvelope] = []
                while replies.count < count, let frames = self.blockingReceive(timeout: timeout) {
                    guard let payload = frames.last, let event = try? EventEnvelope(decoding: payload) else { continue }
                    if event.name == "_zpc_hb" {
                        onHeartbeat(event)
                    } else {
                        replies.append(event)
                    }
                }
                continuation.resume(returning: replies)
            }.start()
        }
    }

    /// The next message decoded as an event (its last frame), skipping nothing.
    func receiveEvent(within timeout: Duration = .seconds(30)) async -> EventEnvelope? {
        guard let frames = await receive(within: timeout), let payload = frames.last else { return nil }
        return try? EventEnvelope(decoding: payload)
    }

    /// The next event that is not a heartbeat.
    func receiveReply(within timeout: Duration = .seconds(30)) async -> EventEnvelope? {
        while let event = await receiveEvent(within: timeout) {
            if event.name != "_zpc_hb" { return event }
        }
        return nil
    }

    private func blockingReceive(timeout: Duration) -> [[UInt8]]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let received: [[UInt8]]? = socket.withLock { socket in
                if let frames = try? socket.receiveMessage() { return frames }
                var item = zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
                _ = zmq_poll(&item, 1, 20)
                return try? socket.receiveMessage()
            }
            if let received {
                answerHeartbeat(in: received)
                return received
            }
            if ContinuousClock.now >= deadline { return nil }
        }
    }
}

extension RawPeer {
    fileprivate func answerHeartbeat(in frames: [[UInt8]]) {
        guard answersHeartbeats, let payload = frames.last, let event = try? EventEnvelope(decoding: payload),
            event.name == "_zpc_hb", let channel = event.responseTo
        else { return }
        sendPayload(EventEncoder.heartbeat(responseTo: channel))
    }
}

extension EventEnvelope {
    /// The args value decoded dynamically.
    var arguments: MessagePackValue? {
        var reader = MessagePackReader(payload: payload, startingAt: argumentsRange.lowerBound)
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
