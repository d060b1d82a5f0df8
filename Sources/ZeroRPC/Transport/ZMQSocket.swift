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
        case router, dealer, rep, pair
        /// The one-way event patterns (`Sources/ZeroRPC/Events`).
        case push, pull, pub, sub

        var zmqType: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .rep: ZMQ_REP
            case .pair: ZMQ_PAIR
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            }
        }
    }

    private(set) var handle: UnsafeMutableRawPointer?
    /// The context this socket holds a lease on.
    let contexts: ZMQContext
    private let context: UnsafeMutableRawPointer
    /// A curve server's ZAP domain, given back when the socket closes.
    var zapRegistration: ZAPRegistration?
    /// `ZMQ_FD`: readable when commands reached the socket's mailbox (see `SocketPoller`).
    private(set) var fileDescriptor: Int32 = -1
    /// Whether the socket was used since its `ZMQ_EVENTS` were last known: a send (or a
    /// receive that did not end in `EAGAIN`) may have consumed the edge `ZMQ_FD` signals,
    /// so the poller must ask before it sleeps on the descriptor.
    private(set) var needsEventCheck = true
    /// Receive pacing (`receiveTurn`): whether a turn reads until `EAGAIN`, or takes one
    /// message and leaves "is there more?" to the readiness check before the thread
    /// sleeps, which it makes anyway after the reply it is about to send.
    private var drainsOnReceive = true
    private var stoppedAfterOne = false

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
        do throws(TransportError) {
            try setOption(ZMQ_LINGER, 0)
            var descriptor: Int32 = -1
            var size = MemoryLayout<Int32>.size
            guard zmq_getsockopt(handle, ZMQ_FD, &descriptor, &size) == 0 else {
                throw .lastZMQError("zmq_getsockopt(ZMQ_FD)")
            }
            fileDescriptor = descriptor
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

    /// A text option (a Z85 key, a ZAP domain), passed without its terminating NUL.
    func setOption(_ option: Int32, string value: String) throws(TransportError) {
        var bytes = Array(value.utf8)
        try setOption(option, &bytes, bytes.count)
    }

    private func setOption(_ option: Int32, _ value: UnsafeRawPointer, _ size: Int) throws(TransportError) {
        guard zmq_setsockopt(handle, option, value, size) == 0 else {
            throw .lastZMQError("zmq_setsockopt(\(option))")
        }
    }

    /// Binds and returns the endpoint actually bound (the real port for `tcp://…:0`).
    func bind(_ endpoint: String) throws(TransportError) -> String {
        needsEventCheck = true  // zmq_bind processes the socket's pending commands
        guard zmq_bind(handle, endpoint) == 0 else { throw .lastZMQError("zmq_bind(\(endpoint))") }
        return lastEndpoint ?? endpoint
    }

    /// Stops serving `endpoint` at once (an inproc name is free when this returns);
    /// failures are ignored, as the socket is about to close anyway.
    func unbind(_ endpoint: String) {
        needsEventCheck = true  // zmq_unbind processes the socket's pending commands
        _ = zmq_unbind(handle, endpoint)
    }

    func connect(_ endpoint: String) throws(TransportError) {
        needsEventCheck = true  // zmq_connect processes the socket's pending commands
        guard zmq_connect(handle, endpoint) == 0 else { throw .lastZMQError("zmq_connect(\(endpoint))") }
    }

    /// Ends the connection to `endpoint` made by `connect`, with its pipe and whatever
    /// ZeroMQ still queued in it either way (both directions, given LINGER 0).
    func disconnect(_ endpoint: String) throws(TransportError) {
        needsEventCheck = true  // zmq_disconnect processes the socket's pending commands
        guard zmq_disconnect(handle, endpoint) == 0 else { throw .lastZMQError("zmq_disconnect(\(endpoint))") }
    }

    /// `ZMQ_LAST_ENDPOINT`: the endpoint of the last bind, resolved.
    var lastEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `ZMQ_EVENTS` (`ZMQ_POLLIN`, `ZMQ_POLLOUT`): processes the commands waiting in the
    /// socket's mailbox, so afterwards the state is known and `ZMQ_FD` re-armed.
    func pendingEvents() -> Int16 {
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) == 0 else {
            // A socket that cannot tell is served as if ready: a receive or send then
            // reports the error where it can be logged.
            return Int16(ZMQ_POLLIN | ZMQ_POLLOUT)
        }
        needsEventCheck = false
        if stoppedAfterOne {
            // More was waiting after a turn that took one message: a burst, so drain.
            stoppedAfterOne = false
            if events & Int32(ZMQ_POLLIN) != 0 { drainsOnReceive = true }
        }
        return Int16(truncatingIfNeeded: events)
    }

    /// One turn's reads: calls `readOne` (which reads and handles one message, or
    /// returns false when none was waiting) up to `batch` times. While traffic is
    /// sequential a turn reads one message only: reading on until `EAGAIN` costs libzmq
    /// a system call, and the readiness check before the next sleep asks the same
    /// question anyway. A drained turn that found a single message switches to one at a
    /// time; a readiness check that then finds more switches back, so bursts read whole.
    /// Another thread found input waiting (and so consumed the descriptor's signal): the
    /// I/O thread must ask again before it sleeps.
    func markNeedsEventCheck() {
        needsEventCheck = true
    }

    func receiveTurn(batch: Int, _ readOne: () throws(TransportError) -> Bool) throws(TransportError) {
        let limit = drainsOnReceive ? batch : 1
        var received = 0
        var reachedEnd = false
        defer {
            if reachedEnd {
                if received <= 1 { drainsOnReceive = false }
            } else if !drainsOnReceive {
                stoppedAfterOne = true
            }
        }
        while received < limit {
            guard try readOne() else {
                reachedEnd = true
                return
            }
            received += 1
        }
    }

    /// Receives one whole multipart message without blocking; nil when none is waiting.
    func receiveMessage() throws(TransportError) -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        let received = try receiveFrames { message, _ in
            if frames.isEmpty { frames.reserveCapacity(3) }  // [routing id, "", payload]
            frames.append(Self.bytes(of: &message))
        }
        return received ? frames : nil
    }

    /// Receives one whole multipart message without blocking and returns only its last
    /// frame (a DEALER's `["", payload]`); nil when none is waiting.
    func receivePayload() throws(TransportError) -> [UInt8]? {
        var payload: [UInt8] = []
        let received = try receiveFrames { message, isLast in
            if isLast { payload = Self.bytes(of: &message) }
        }
        return received ? payload : nil
    }

    /// `receivePayload()`, with a large payload kept in place (`ReceivedFrame`). With
    /// `waitingUpTo` milliseconds it waits that long for a message inside libzmq
    /// (`ZMQ_RCVTIMEO`), as a C client's blocking `zmq_recv` does, instead of returning at
    /// once; nil when none came.
    func receivePayloadFrame(waitingUpTo timeout: Int32? = nil) throws(TransportError) -> ReceivedFrame? {
        var payload = ReceivedFrame.bytes([])
        let received = try receiveFrames(waitingUpTo: timeout) { message, isLast in
            if isLast { payload = frame(taking: &message) }
        }
        return received ? payload : nil
    }

    /// What `receivePayload(waitingUpTo:inPlace:)` found.
    enum PayloadReceipt {
        /// No message came.
        case none
        /// The payload was small, and `inPlace` took it where it lay.
        case takenInPlace
        /// The payload, which `inPlace` did not take.
        case frame(ReceivedFrame)
    }

    /// Like `receivePayloadFrame`, but a small payload (under `inPlaceThreshold`) is first
    /// shown to `inPlace` where it lies in libzmq's message, valid only during the call;
    /// when it takes it (true), the payload is neither copied nor returned.
    func receivePayload(
        waitingUpTo timeout: Int32? = nil, inPlace: (UnsafeRawBufferPointer) -> Bool
    ) throws(TransportError) -> PayloadReceipt {
        var receipt = PayloadReceipt.none
        let received = try receiveFrames(waitingUpTo: timeout) { message, isLast in
            guard isLast else { return }
            let size = zmq_msg_size(&message)
            if size < Self.inPlaceThreshold, let data = zmq_msg_data(&message),
                inPlace(UnsafeRawBufferPointer(start: data, count: size))
            {
                receipt = .takenInPlace
            } else {
                receipt = .frame(frame(taking: &message))
            }
        }
        return received ? receipt : .none
    }

    /// Receives one whole multipart message without blocking, as its routing (the frames
    /// before the last, a ROUTER's `[routing…, ""]`, without that empty delimiter) and its
    /// last frame, the payload, which is kept in place when large (`ReceivedFrame`); nil
    /// when none is waiting. A peer's `[id]` is reused from message to message
    /// (`RoutingCache`). When `property` is named, `value` gets that metadata
    /// (`zmq_msg_gets`, e.g. "User-Id") of the last frame if the connection has it (a
    /// ROUTER's first frame is the routing id it made up, which carries none).
    func receiveRoutedPayload(
        property: StaticString?, value: inout String?
    ) throws(TransportError) -> (routing: [[UInt8]], payload: ReceivedFrame)? {
        var routing: [[UInt8]] = []
        // A known peer's `[id]` (`routingCache`), used as long as the frames after the id
        // are at most the empty delimiter: then no array is built.
        var known: [[UInt8]]?
        var delimiterAfterKnown = false
        var framesBefore = 0
        var payload = ReceivedFrame.bytes([])
        var metadata: String?
        let received = try receiveFrames { message, isLast in
            guard isLast else {
                framesBefore += 1
                if framesBefore == 1, let hit = routingCache.routing(matching: &message) {
                    known = hit
                    return
                }
                if let hit = known {
                    if framesBefore == 2 && zmq_msg_size(&message) == 0 {
                        delimiterAfterKnown = true
                        return
                    }
                    // A longer envelope than the cached one: built in full after all.
                    routing = hit
                    if delimiterAfterKnown { routing.append([]) }
                    known = nil
                }
                if routing.isEmpty { routing.reserveCapacity(2) }  // [routing id, ""]
                routing.append(Self.bytes(of: &message))
                return
            }
            if let property {
                // A string literal's storage is NUL-terminated.
                let name = UnsafeRawPointer(property.utf8Start).assumingMemoryBound(to: CChar.self)
                metadata = zmq_msg_gets(&message, name).map { String(cString: $0) }
            }
            payload = frame(taking: &message)
        }
        guard received else { return nil }
        value = metadata
        if let known { return (known, payload) }
        if routing.count >= 2, routing.last?.isEmpty == true { routing.removeLast() }
        if routing.count == 1 { routingCache.remember(routing) }
        return (routing, payload)
    }

    /// The routing of peers heard from lately (`receiveRoutedPayload`).
    private var routingCache = RoutingCache()
    /// The `ZMQ_RCVTIMEO` last set (libzmq's default: wait forever); only a receive that
    /// waits uses it, every other one passes `ZMQ_DONTWAIT`.
    private var receiveTimeout: Int32 = -1

    /// Frames at least this large are kept in their ZeroMQ message when received
    /// (`ReceivedFrame`); smaller ones are copied, which costs less than the extra object.
    static let inPlaceThreshold = LargePayload.threshold

    /// Called once per message kept in place when it is closed (tests; nil otherwise).
    var receivedMessageClosed: (@Sendable () -> Void)?

    /// The received `message` as a frame: taken over when large (it is left empty),
    /// copied otherwise.
    private func frame(taking message: inout zmq_msg_t) -> ReceivedFrame {
        guard zmq_msg_size(&message) >= Self.inPlaceThreshold else { return .bytes(Self.bytes(of: &message)) }
        return .message(ReceivedMessage(taking: &message, onClose: receivedMessageClosed))
    }

    /// Hands each frame of one whole message to `frame` without blocking (or waiting up to
    /// `timeout` milliseconds for its first frame); false when no message came. Keeps
    /// `needsEventCheck` (see `SocketPoller`): a read that ends in `EAGAIN` came after
    /// libzmq processed the socket's commands, so the state is known; any other read
    /// leaves it to be asked. The frames after the first are never waited for: ZeroMQ
    /// delivers a multipart message whole.
    private func receiveFrames(
        waitingUpTo timeout: Int32? = nil, _ frame: (_ message: inout zmq_msg_t, _ isLast: Bool) -> Void
    ) throws(TransportError) -> Bool {
        var firstFlags = ZMQ_DONTWAIT
        if let timeout {
            if timeout != receiveTimeout {
                try setOption(ZMQ_RCVTIMEO, timeout)
                receiveTimeout = timeout
            }
            firstFlags = 0
        }
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        var isFirst = true
        while true {
            let received = zmq_msg_recv(&message, handle, isFirst ? firstFlags : 0)
            if received < 0 {
                let code = zmq_errno()
                if code == EINTR {
                    // A waiting receive returns: its caller knows how long it may still
                    // wait, and restarting would wait the whole timeout again.
                    guard isFirst && timeout != nil else { continue }
                    needsEventCheck = true
                    return false
                }
                if code == EAGAIN && isFirst {
                    needsEventCheck = false
                    return false
                }
                needsEventCheck = true
                throw TransportError(operation: "zmq_msg_recv", code: code)
            }
            needsEventCheck = true
            isFirst = false
            let isLast = zmq_msg_more(&message) == 0
            frame(&message, isLast)
            if isLast { return true }
        }
    }

    private static func bytes(of message: inout zmq_msg_t) -> [UInt8] {
        let size = zmq_msg_size(&message)
        guard size > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size))
    }

    /// Sends `routing…, "", payload` as one multipart message without blocking, without
    /// first gathering the frames into an array.
    /// A large `payload` is handed to ZeroMQ without a copy (`sendFrame(_:isFirst:isLast:)`).
    func send(routing: [[UInt8]], payload: [UInt8]) -> SendOutcome {
        guard payload.count >= Self.zeroCopyThreshold else {
            return payload.withUnsafeBytes { send(routing: routing, payload: $0) }
        }
        let outcome = sendRoutingAndDelimiter(routing)
        guard outcome == .sent else { return outcome }
        return sendFrame(payload, isFirst: false, isLast: true)
    }

    func send(routing: [[UInt8]], payload: UnsafeRawBufferPointer) -> SendOutcome {
        let outcome = sendRoutingAndDelimiter(routing)
        guard outcome == .sent else { return outcome }
        return sendFrame(payload, isFirst: false, isLast: true)
    }

    /// The frames before a payload: `routing…, ""`. Only the first can be refused.
    private func sendRoutingAndDelimiter(_ routing: [[UInt8]]) -> SendOutcome {
        for (index, frame) in routing.enumerated() {
            let outcome = sendFrame(frame, isFirst: index == 0, isLast: false)
            guard outcome == .sent else { return outcome }
        }
        return sendFrame(UnsafeRawBufferPointer(start: nil, count: 0), isFirst: routing.isEmpty, isLast: false)
    }

    /// Sends all frames as one multipart message without blocking.
    func send(_ frames: [[UInt8]]) -> SendOutcome {
        for (index, frame) in frames.enumerated() {
            let outcome = sendFrame(frame, isFirst: index == 0, isLast: index == frames.count - 1)
            guard outcome == .sent else { return outcome }
        }
        return .sent
    }

    /// Sends `payload` as a message of one frame without blocking (PUSH, PUB: a zerorpc
    /// event without routing or delimiter).
    func send(frame payload: [UInt8]) -> SendOutcome {
        sendFrame(payload, isFirst: true, isLast: true)
    }

    /// One frame of a multipart message. Only the first frame can be refused for lack of
    /// room or of a route; later frames of a started message always go.
    /// A frame of `zeroCopyThreshold` bytes or more goes to ZeroMQ without a copy: the
    /// message points into the array's storage, which a retained `FrameStorage` keeps alive
    /// until libzmq's I/O thread has written it and calls `releaseFrameStorage`. Below it a
    /// copy is cheaper than the extra allocation and the release from another thread.
    private func sendFrame(_ frame: [UInt8], isFirst: Bool, isLast: Bool) -> SendOutcome {
        guard frame.count >= Self.zeroCopyThreshold else {
            return frame.withUnsafeBytes { sendFrame($0, isFirst: isFirst, isLast: isLast) }
        }
        let storage = FrameStorage(frame, onRelease: zeroCopyFrameReleased)
        guard let base = storage.baseAddress else {
            return frame.withUnsafeBytes { sendFrame($0, isFirst: isFirst, isLast: isLast) }
        }
        let retained = Unmanaged.passRetained(storage)
        var message = zmq_msg_t()
        guard zmq_msg_init_data(&message, base, frame.count, releaseFrameStorage, retained.toOpaque()) == 0 else {
            // libzmq calls the free function only for a message it made.
            retained.release()
            return .failed(.lastZMQError("zmq_msg_init_data"))
        }
        return send(&message, isFirst: isFirst, isLast: isLast)
    }

    /// Whether this socket copies frames of 81 to 120 bytes into a block of their own
    /// (`copiesOutsideTheMessage`). The server's ROUTER does: its replies and stream items
    /// go out in bursts, and their frees contended with its allocations. A client's
    /// requests do not: they go out one by one, and the split would cost each call an
    /// allocation (5 where the goal is 4) for no time measured.
    var copiesMidSizeFramesApart = false

    /// Whether a copied frame of `count` bytes goes into a block of its own
    /// (`zmq_msg_init_data`) rather than the block `zmq_msg_init_size` makes for the
    /// message header and data together.
    ///
    /// Why: the thread that sends allocates a message and libzmq's I/O thread frees it.
    /// glibc frees a block of at most 128 bytes (a "fastbin" chunk) without a lock, but a
    /// larger one under the lock of the arena it came from — the sending thread's, which
    /// that thread takes for its own next allocation. `zmq_msg_init_size` allocates
    /// 40 bytes of header plus the data, so a frame of 81 to 120 bytes (a reply to `add`,
    /// a stream item: about 105) crossed 128 where either part alone stays below it. A
    /// server streaming a million items made 330,000 `futex` calls on that lock; with the
    /// two blocks, about none, and 11-18 % more items a second (docs/PERFORMANCE.md,
    /// session 12). Smaller frames fit with the header; larger ones gain nothing from the
    /// split; frames of 33 bytes or less live inside the `zmq_msg_t`. Only on glibc.
    @inline(__always)
    static func copiesOutsideTheMessage(_ count: Int) -> Bool {
        #if canImport(Glibc)
            return count > 80 && count <= 120
        #else
            return false
        #endif
    }

    /// Frames at least this large are sent without a copy (`sendFrame(_:isFirst:isLast:)`).
    static let zeroCopyThreshold = LargePayload.threshold
    /// Called once per zero-copy frame when ZeroMQ lets go of it (tests; nil otherwise).
    var zeroCopyFrameReleased: (@Sendable () -> Void)?

    private func sendFrame(_ frame: UnsafeRawBufferPointer, isFirst: Bool, isLast: Bool) -> SendOutcome {
        var message = zmq_msg_t()
        if copiesMidSizeFramesApart, Self.copiesOutsideTheMessage(frame.count), let base = frame.baseAddress,
            let copy = malloc(frame.count)
        {
            copy.copyMemory(from: base, byteCount: frame.count)
            guard zmq_msg_init_data(&message, copy, frame.count, freeFrameCopy, nil) == 0 else {
                free(copy)  // libzmq calls the free function only for a message it made
                return .failed(.lastZMQError("zmq_msg_init_data"))
            }
            return send(&message, isFirst: isFirst, isLast: isLast)
        }
        guard zmq_msg_init_size(&message, frame.count) == 0 else {
            return .failed(.lastZMQError("zmq_msg_init_size"))
        }
        if let base = frame.baseAddress, !frame.isEmpty {
            zmq_msg_data(&message).copyMemory(from: base, byteCount: frame.count)
        }
        return send(&message, isFirst: isFirst, isLast: isLast)
    }

    /// Sends an initialised `message` and closes it (after a send it is empty; after a
    /// refusal closing it frees its data, or releases a zero-copy frame's storage).
    private func send(_ message: inout zmq_msg_t, isFirst: Bool, isLast: Bool) -> SendOutcome {
        let flags = ZMQ_DONTWAIT | (isLast ? 0 : ZMQ_SNDMORE)
        needsEventCheck = true
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
        zapRegistration?.cancel()
        zapRegistration = nil
        contexts.release(context)
    }
}

/// Keeps a zero-copy frame's bytes alive and unmoved while ZeroMQ sends them: the array is
/// never mutated, so its storage stays where `baseAddress` points until the last release.
private final class FrameStorage {
    let bytes: [UInt8]
    let baseAddress: UnsafeMutableRawPointer?
    let onRelease: (@Sendable () -> Void)?

    init(_ bytes: [UInt8], onRelease: (@Sendable () -> Void)?) {
        self.bytes = bytes
        self.onRelease = onRelease
        baseAddress = bytes.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress) }
    }

    deinit {
        onRelease?()
    }
}

/// ZeroMQ's free function for a zero-copy frame, called once, on whichever thread drops
/// the message last (often libzmq's I/O thread): releases the `FrameStorage`.
private func releaseFrameStorage(_ data: UnsafeMutableRawPointer?, _ hint: UnsafeMutableRawPointer?) {
    guard let hint else { return }
    Unmanaged<FrameStorage>.fromOpaque(hint).release()
}

/// ZeroMQ's free function for a frame copied into a block of its own
/// (`ZMQSocket.copiesOutsideTheMessage`): called once, often on libzmq's I/O thread.
private func freeFrameCopy(_ data: UnsafeMutableRawPointer?, _ hint: UnsafeMutableRawPointer?) {
    free(data)
}
