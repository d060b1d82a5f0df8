/// Messages a socket refused for now (`EAGAIN`, or `EHOSTUNREACH` on a mandatory ROUTER),
/// kept in order and retried when the socket has room. Nothing is dropped here; the
/// owner decides when a peer is gone for good.
struct OutboundQueue {
    private var messages: [[[UInt8]]] = []
    private var head = 0
    /// When the oldest waiting message was first refused, as an offset since
    /// `ClockOffset.origin`: an empty queue is made for every send, and a resilient
    /// `ContinuousClock.Instant?` inline would make that go through value witnesses.
    private var blockedSinceOffset: Duration?

    /// When the oldest waiting message was first refused.
    var blockedSince: ContinuousClock.Instant? { blockedSinceOffset.map(ClockOffset.instant) }
    /// Whether the last refusal said the peer is not connected (rather than slow).
    private(set) var peerIsUnreachable = false

    /// The bytes of every frame waiting, for the per-peer bound.
    private(set) var byteCount = 0

    var isEmpty: Bool { head == messages.count }
    var count: Int { messages.count - head }

    /// Sends `routing…, "", payload` now unless older messages still wait, in which case
    /// it queues. The array itself is sent (a large one without a copy, `ZMQSocket`) and,
    /// if it has to wait, queued without a copy too.
    mutating func send(routing: [[UInt8]], payload: [UInt8], on socket: ZMQSocket) -> SendOutcome {
        send(now: { socket.send(routing: routing, payload: payload) }, queued: { routing + [[], payload] })
    }

    /// As `send(routing:payload:on:)` for bytes the caller keeps: copied into the queue
    /// only when they have to wait.
    mutating func send(routing: [[UInt8]], payload: UnsafeRawBufferPointer, on socket: ZMQSocket) -> SendOutcome {
        send(now: { socket.send(routing: routing, payload: payload) }, queued: { routing + [[], Array(payload)] })
    }

    /// `now()` unless older messages wait or the socket refuses; then the frames `queued()`
    /// gathers (only then) wait in order.
    private mutating func send(now: () -> SendOutcome, queued: () -> [[UInt8]]) -> SendOutcome {
        if isEmpty {
            let outcome = now()
            guard outcome == .wouldBlock || outcome == .unreachable else { return outcome }
            blockedSinceOffset = ClockOffset.of(.now)
            peerIsUnreachable = outcome == .unreachable
        }
        enqueue(queued())
        return peerIsUnreachable ? .unreachable : .wouldBlock
    }

    private mutating func enqueue(_ frames: [[UInt8]]) {
        byteCount += Self.size(of: frames)
        messages.append(frames)
    }

    /// Sends waiting messages in order until the socket refuses one; returns the first
    /// hard failure, if any (the failing message is dropped so the queue moves on).
    mutating func flush(on socket: ZMQSocket) -> TransportError? {
        while !isEmpty {
            switch socket.send(messages[head]) {
            case .sent:
                removeFirst()
            case .wouldBlock:
                peerIsUnreachable = false
                return nil
            case .unreachable:
                peerIsUnreachable = true
                return nil
            case .failed(let error):
                removeFirst()
                return error
            }
        }
        return nil
    }

    /// Drops the waiting message whose last frame is `payload` (the very array queued,
    /// so the comparison stops at its identity), if it has not gone out; true when one was
    /// dropped. issue 17: a request whose call already failed must not reach a server
    /// that comes up later on the endpoint.
    mutating func removeUnsent(payload: [UInt8]) -> Bool {
        guard let index = messages[head...].firstIndex(where: { $0.last == payload }) else { return false }
        byteCount -= Self.size(of: messages[index])
        messages.remove(at: index)
        if isEmpty {
            messages.removeAll(keepingCapacity: true)
            head = 0
            blockedSinceOffset = nil
        }
        return true
    }

    /// Drops everything (the peer is gone); returns how many messages were dropped.
    mutating func removeAll() -> Int {
        let dropped = count
        messages = []
        head = 0
        byteCount = 0
        blockedSinceOffset = nil
        return dropped
    }

    private static func size(of frames: [[UInt8]]) -> Int {
        frames.reduce(0) { $0 + $1.count }
    }

    private mutating func removeFirst() {
        byteCount -= Self.size(of: messages[head])
        messages[head] = []
        head += 1
        if isEmpty {
            messages.removeAll(keepingCapacity: true)
            head = 0
            blockedSinceOffset = nil
        } else {
            blockedSinceOffset = ClockOffset.of(.now)
            if head > 64 && head * 2 > messages.count {
                messages.removeFirst(head)
                head = 0
            }
        }
    }
}
