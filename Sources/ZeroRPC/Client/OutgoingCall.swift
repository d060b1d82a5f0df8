/// A call, from the task that encodes its request to the thread that ends it: one object.
///
/// The request (the `let`s) is set by the calling task. The rest is the call table's
/// bookkeeping (`ClientCallTable.add` enters it), touched only by the thread that holds
/// the client loop's `TurnLock`: the I/O thread in its turn, or a caller that sends or
/// leads itself. Hence `@unchecked Sendable`.
///
/// One object rather than a request value and a table entry: as a struct the request was
/// copied field by field (five retains, through outlined value witnesses) into the command
/// queue, out of it and into the table's entry; now every hand-over is one retain, and a
/// call costs one allocation besides its bytes.
final class OutgoingCall: @unchecked Sendable {
    let callID: UInt64
    let method: String
    /// Raw msgpack of the request's `message_id`, the channel id replies echo.
    let messageID: ArraySlice<UInt8>
    let payload: [UInt8]
    let options: CallOptions
    let receiver: ReplyReceiver
    /// The connection that must carry the call (a deferred token's issuer), if any.
    let connection: Int?

    init(
        callID: UInt64, method: String, messageID: ArraySlice<UInt8>, payload: [UInt8], options: CallOptions,
        receiver: ReplyReceiver, connection: Int? = nil
    ) {
        self.callID = callID
        self.method = method
        self.messageID = messageID
        self.payload = payload
        self.options = options
        self.receiver = receiver
        self.connection = connection
    }

    // MARK: In the call table

    /// The connection the request went out on.
    private(set) var connectionIndex = 0
    var hasReplied = false
    // Instants kept as offsets since `ClockOffset.origin`: a resilient
    // `ContinuousClock.Instant` stored inline gives the class a layout known only at
    // run time, and each of these is written for every call.
    private var replyDeadlineOffset: Duration?
    private var startedAtOffset: Duration = .zero
    private var nextHeartbeatOffset: Duration = .zero
    private var lastHeartbeatSeenOffset: Duration?

    /// The call goes out on connection `index` at `startedAt` (`ClientCallTable.add`).
    func enter(
        connectionIndex index: Int, replyDeadline: ContinuousClock.Instant?, startedAt: ContinuousClock.Instant,
        nextHeartbeat: ContinuousClock.Instant
    ) {
        connectionIndex = index
        replyDeadlineOffset = replyDeadline.map(ClockOffset.of)
        startedAtOffset = ClockOffset.of(startedAt)
        nextHeartbeatOffset = ClockOffset.of(nextHeartbeat)
    }

    /// The call timeout (time to the first reply event) or the whole-call deadline,
    /// whichever comes first; after a channel's first event only the deadline, if any.
    var replyDeadline: ContinuousClock.Instant? {
        get { replyDeadlineOffset.map(ClockOffset.instant) }
        set { replyDeadlineOffset = newValue.map(ClockOffset.of) }
    }
    var startedAt: ContinuousClock.Instant { ClockOffset.instant(startedAtOffset) }
    var nextHeartbeat: ContinuousClock.Instant {
        get { ClockOffset.instant(nextHeartbeatOffset) }
        set { nextHeartbeatOffset = ClockOffset.of(newValue) }
    }
    var lastHeartbeatSeen: ContinuousClock.Instant? {
        get { lastHeartbeatSeenOffset.map(ClockOffset.instant) }
        set { lastHeartbeatSeenOffset = newValue.map(ClockOffset.of) }
    }

    // MARK: A call led by its caller

    // A call led by its caller (`ReplyReceiver.led`, `ClientLoop.lead`) ends here, not in
    // an object of its own: the caller polls the socket on its thread and, past
    // `ClientOptions.callerReplyWait`, parks a continuation for the I/O thread to resume.
    // Exactly one party resumes it: both touch these two fields only while they hold the
    // loop's `TurnLock`, so an outcome and a continuation never miss each other.
    private var ledOutcome: Result<EventEnvelope, any Error>?
    private var ledContinuation: UnsafeContinuation<EventEnvelope, any Error>?

    /// A led call, under `TurnLock`: whether its outcome came (and was not taken yet).
    var hasLedOutcome: Bool { ledOutcome != nil }

    /// A led call's caller, under `TurnLock`: moves the outcome out, without a copy of
    /// the envelope (a copy goes through value witnesses: `Result` is generic).
    func takeLedOutcome() -> Result<EventEnvelope, any Error>? {
        ledOutcome.take()
    }

    /// The loop, under `TurnLock`: ends a led call. Resumes its parked caller, or keeps
    /// the outcome for the caller that still waits on its thread.
    func completeLed(_ result: consuming Result<EventEnvelope, any Error>) {
        if let continuation = ledContinuation {
            ledContinuation = nil
            continuation.resume(with: result)
        } else if ledOutcome == nil {
            ledOutcome = result
        }
    }

    /// A led call's caller, under `TurnLock`: the outcome if it came already; else the
    /// continuation is kept for `completeLed`, and nil returned.
    func parkLed(
        _ continuation: UnsafeContinuation<EventEnvelope, any Error>
    ) -> Result<EventEnvelope, any Error>? {
        if let ledOutcome { return ledOutcome }
        ledContinuation = continuation
        return nil
    }
}
