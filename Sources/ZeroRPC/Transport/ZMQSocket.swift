import CZeroMQ

/// The outcome of a non-blocking send.
enum SendOutcome: Equatable {
    case sent
    /// The peer's queue is full (`EAGAIN`); the caller keeps the message and retries.
    case wouldBlock
    /// On a ROUTER with `ROUTER_MANDATORY`: no peer with that identity is connected
    /// (`EHOSTUNREACH`), perhaps not yet, perhaps never again.
    case unreachable
    case failed(TransportError)

    static func == (lhs: SendOutcome, rhs: SendOutcome) -> Bool {
        switch (lhs, rhs) {
        case (.sent, .sent), (.wouldBlock, .wouldBlock), (.unreachable, .unreachable): true
        case (.failed(let a), .failed(let b)): a.code == b.code
        default: false
        }
    }
}

/// One ZeroMQ socket, owned by the I/O thread that created it. Not `Sendable` on purpose:
/// it is created, used and closed on that thread only.
final class ZMQSocket {
    enum Kind {
        case router, dealer

        var zmqType: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            }
        }
    }

    private(set) var handle: UnsafeMutableRawPointer?
    /// The context this socket holds a lease on.
    private let contexts: ZMQContext
    private let context: UnsafeMutableRawPointer

    /// A socket with LINGER 0, of the process's shared context unless told otherwise.
    init(_ kind: Kind, contexts: ZMQContext = .shared) throws(TransportError) {
        self.contexts = contexts
        context = try contexts.acquire()
        guard let handle = zmq_socket(context, kind.zmqType) else {
            let error = TransportError.lastZMQError("zmq_socket")
            contexts.release(context)
            throw error
        }
        self.handle = handle
        do {
            try setOption(ZMQ_LINGER, 0)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func setOption(_ option: Int32, _ value: Int32) throws(TransportError) {
        var value = value
        try setOption(option, &value, MemoryLayout<Int32>.size)
    }

    func setOption(_ option: Int32, int64 value: Int64) throws(TransportError) {
        var value = value
        try setOption(option, &value, MemoryLayout<Int64>.size)
    }

    private func setOption(_ option: Int32, _ value: UnsafeRawPointer, _ size: Int) throws(TransportError) {
        guard zmq_setsockopt(handle, option, value, size) == 0 else {
            throw .lastZMQError("zmq_setsockopt(\(option))")
        }
    }

    /// Binds and returns the endpoint actually bound (the real port for `tcp://…:0`).
    func bind(_ endpoint: String) throws(TransportError) -> String {
        guard zmq_bind(handle, endpoint) == 0 else { throw .lastZMQError("zmq_bind(\(endpoint))") }
        return lastEndpoint ?? endpoint
    }

    func connect(_ endpoint: String) throws(TransportError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw .lastZMQError("zmq_connect(\(endpoint))") }
    }

    /// `ZMQ_LAST_ENDPOINT`: the endpoint of the last bind, resolved.
    var lastEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Receives one whole multipart message without blocking; nil when none is waiting.
    func receiveMessage() throws(TransportError) -> [[UInt8]]? {
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        var frames: [[UInt8]] = []
        while true {
            let received = zmq_msg_recv(&message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if received < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty { return nil }
                throw TransportError(operation: "zmq_msg_recv", code: code)
            }
            let size = zmq_msg_size(&message)
            if size == 0 {
                frames.append([])
            } else {
                frames.append([UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Sends `routing…, "", payload` as one multipart message without blocking, without
    /// first gathering the frames into an array.
    func send(routing: [[UInt8]], payload: [UInt8]) -> SendOutcome {
        for (index, frame) in routing.enumerated() {
            let outcome = sendFrame(frame, isFirst: index == 0, isLast: false)
            guard outcome == .sent else { return outcome }
        }
        let outcome = sendFrame([], isFirst: routing.isEmpty, isLast: false)
        guard outcome == .sent else { return outcome }
        return sendFrame(payload, isFirst: false, isLast: true)
    }

    /// Sends all frames as one multipart message without blocking.
    func send(_ frames: [[UInt8]]) -> SendOutcome {
        for (index, frame) in frames.enumerated() {
            let outcome = sendFrame(frame, isFirst: index == 0, isLast: index == frames.count - 1)
            guard outcome == .sent else { return outcome }
        }
        return .sent
    }

    /// One frame of a multipart message. Only the first frame can be refused for lack of
    /// room or of a route; later frames of a started message always go.
    private func sendFrame(_ frame: [UInt8], isFirst: Bool, isLast: Bool) -> SendOutcome {
        let flags = ZMQ_DONTWAIT | (isLast ? 0 : ZMQ_SNDMORE)
        var message = zmq_msg_t()
        guard zmq_msg_init_size(&message, frame.count) == 0 else {
            return .failed(.lastZMQError("zmq_msg_init_size"))
        }
        frame.withUnsafeBytes { source in
            if let base = source.baseAddress, !source.isEmpty {
                zmq_msg_data(&message).copyMemory(from: base, byteCount: source.count)
            }
        }
        var sent: Int32
        repeat {
            sent = zmq_msg_send(&message, handle, flags)
        } while sent < 0 && zmq_errno() == EINTR
        let code = zmq_errno()
        zmq_msg_close(&message)
        if sent < 0 {
            if isFirst && code == EAGAIN { return .wouldBlock }
            if isFirst && code == EHOSTUNREACH { return .unreachable }
            return .failed(TransportError(operation: "zmq_msg_send", code: code))
        }
        return .sent
    }

    /// Closes the socket and returns its context lease; safe to call twice. Pending
    /// messages are dropped unless LINGER was raised since creation.
    func close() {
        guard let handle else { return }
        zmq_close(handle)
        self.handle = nil
        contexts.release(context)
    }
}
