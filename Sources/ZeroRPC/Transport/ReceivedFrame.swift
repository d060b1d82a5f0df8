import CZeroMQ
import Foundation

/// The payload frame of a received message: copied into an array when it is small, kept
/// in place in ZeroMQ's own message when it is large (`ZMQSocket.inPlaceThreshold` bytes
/// or more), so a large request or reply is decoded without a copy of its bytes.
enum ReceivedFrame {
    case bytes([UInt8])
    case message(ReceivedMessage)

    /// The frame's bytes as an array: a copy when the frame is kept in place.
    var array: [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .message(let message): Array(message.bytes)
        }
    }
}

/// One received ZeroMQ message kept as libzmq delivered it: its bytes stay where libzmq
/// put them until the last reader, `Data` or envelope that reads them lets go, and the
/// message is closed exactly once (`MessageContent.deinit`).
final class ReceivedMessage: SharingByteOwner, @unchecked Sendable {
    // @unchecked: `bytes` points into `content`, which this object keeps alive, and
    // nobody writes to those bytes while it lives (see `shared`).
    private let content: MessageContent?
    /// The message's bytes, valid for as long as this object lives.
    let bytes: UnsafeRawBufferPointer
    /// Every `Data` handed out over these bytes, kept referenced while the message is
    /// read: a `Data` that is not uniquely referenced copies itself before a write, so a
    /// handler writing to its argument never changes bytes another reader still reads.
    private let shared = LockedValue<[Data]>([])

    /// Takes over `received` (a message `zmq_msg_recv` filled), which is left empty.
    /// `onClose` runs once, when the message is closed (tests).
    init(taking received: inout zmq_msg_t, onClose: (@Sendable () -> Void)? = nil) {
        let content = MessageContent(taking: &received, onClose: onClose)
        self.content = content
        bytes = content.bytes
    }

    private init() {
        content = nil
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// No message: what an envelope of a small, copied payload holds instead of an
    /// optional (see `EventEnvelope`).
    static let none = ReceivedMessage()

    /// Whether this is `none`.
    var isNone: Bool { content == nil }

    /// The bytes in `range` (within `bytes`) as a `Data` that points into the message,
    /// without a copy, and keeps the message's content alive.
    func sharedData(in range: Range<Int>) -> Data {
        let content = self.content
        let data = Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress.unsafelyUnwrapped + range.lowerBound),
            count: range.count, deallocator: .custom { _, _ in withExtendedLifetime(content) {} })
        shared.withLock { $0.append(data) }
        return data
    }

}

/// The `zmq_msg_t` of a `ReceivedMessage`, in memory of its own that never moves (a small
/// message's bytes are stored inside the `zmq_msg_t` itself), closed in `deinit`.
private final class MessageContent: @unchecked Sendable {
    // @unchecked: `message` is written once, by `init`, and only read afterwards (its
    // data pointer); libzmq's release of the content is atomic.
    private let message: UnsafeMutablePointer<zmq_msg_t>
    let bytes: UnsafeRawBufferPointer
    private let onClose: (@Sendable () -> Void)?

    init(taking received: inout zmq_msg_t, onClose: (@Sendable () -> Void)?) {
        self.onClose = onClose
        message = .allocate(capacity: 1)
        zmq_msg_init(message)
        // Moving between two initialised messages cannot fail; the source is left empty.
        _ = zmq_msg_move(message, &received)
        bytes = UnsafeRawBufferPointer(start: zmq_msg_data(message), count: zmq_msg_size(message))
    }

    deinit {
        zmq_msg_close(message)
        message.deallocate()
        onClose?()
    }
}
