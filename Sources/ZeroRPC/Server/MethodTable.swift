import Synchronization

/// One call as a handler task receives it: the owned request event and who sent it.
struct IncomingCall: Sendable {
    let event: EventEnvelope
    let peerIdentity: [UInt8]
    /// The caller's curve key from the message's "User-Id"; nil on a plain server.
    var peerPublicKey: String? = nil
    /// When the I/O thread admitted the call (`ClockOffset`: an instant inline cost
    /// ~300 instructions of value witnesses per server call); deferred budgets count
    /// from here.
    var arrivedAfter: Duration = ClockOffset.of(.now)

    /// When the I/O thread admitted the call.
    var arrivedAt: ContinuousClock.Instant { ClockOffset.instant(arrivedAfter) }
    /// The channel of a stream or generator call.
    var stream: StreamSink? = nil
}

/// What the server runs for one wire name. `run` decodes the arguments, calls the user's
/// code and returns the whole encoded reply event (OK or ERR); for one-way methods the
/// server has already answered and the return value is ignored.
///
/// A class: every call takes its method's entry from the table and keeps it for the
/// handler, and a struct of six reference-counted fields cost a retain and a release of
/// each per copy.
final class MethodEntry: Sendable {
    let isOneway: Bool
    /// The declared parameters, or nil for a dynamic handler taking any arguments.
    let parameters: [ParameterInfo]?
    let doc: String?
    /// Set for stream and generator methods: the server opens a `StreamSink` for them.
    let streaming: StreamingKind?
    /// For a unary or one-way method: what `HandlerInvocation.reply` needs to run it. A
    /// call's runner calls `reply` with it directly (`ServerLoop.run`), where a call
    /// through `run`'s closure was one more async frame, and one more switch back to the
    /// runner's executor after it (~250 instructions a call).
    let invocation: HandlerInvocation.Method?
    let run: nonisolated(nonsending) @Sendable (IncomingCall) async -> [UInt8]
    /// For a one-way method: the `ERR` reply when the call's arguments do not decode, else
    /// nil; the server asks before it acknowledges the call (Server+Registration.swift).
    let refuseArguments: (@Sendable (EventEnvelope) -> [UInt8]?)?
    /// Set once a handler of this method held the I/O thread past the task budget: its
    /// later calls start on the global concurrent executor instead.
    let heldIOThread = MethodFlag()

    init(
        isOneway: Bool, parameters: [ParameterInfo]?, doc: String?, streaming: StreamingKind? = nil,
        refuseArguments: (@Sendable (EventEnvelope) -> [UInt8]?)? = nil,
        run: nonisolated(nonsending) @escaping @Sendable (IncomingCall) async -> [UInt8]
    ) {
        self.isOneway = isOneway
        self.parameters = parameters
        self.doc = doc
        self.streaming = streaming
        self.refuseArguments = refuseArguments
        self.invocation = nil
        self.run = run
    }

    /// The entry of a unary or one-way method: `run` calls `HandlerInvocation.reply` with
    /// `invocation`.
    init(
        parameters: [ParameterInfo]?, doc: String?, invocation: HandlerInvocation.Method,
        refuseArguments: (@Sendable (EventEnvelope) -> [UInt8]?)? = nil
    ) {
        self.isOneway = invocation.isOneway
        self.parameters = parameters
        self.doc = doc
        self.streaming = nil
        self.refuseArguments = refuseArguments
        self.invocation = invocation
        self.run = { call in await HandlerInvocation.reply(to: call, invocation) }
    }
}

/// A flag any thread may set and read, one per `MethodEntry`.
final class MethodFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .relaxed) }

    func set() { value.store(true, ordering: .relaxed) }
}

/// The wire names a server answers and the interface texts it was given, shared between
/// `register` callers and the I/O thread that looks names up for each request.
final class MethodTable: Sendable {
    private struct Contents {
        var entries: [String: MethodEntry] = [:]
        var interfaces: [String] = []
    }

    private let contents = LockedValue(Contents())
    private let changes = Atomic<UInt64>(0)

    /// Changes with every insert, after the entries did: a reader that saw a version and
    /// then read `entries` has at least that version's entries.
    var version: UInt64 { changes.load(ordering: .acquiring) }

    func entry(named name: String) -> MethodEntry? {
        contents.withLock { $0.entries[name] }
    }

    /// Every entry, by wire name.
    var entries: [String: MethodEntry] {
        contents.withLock { $0.entries }
    }

    var interfaces: [String] {
        contents.withLock { $0.interfaces }
    }

    /// Adds all of `newEntries` or, when one name is taken, none; returns that name.
    func insert(_ newEntries: [(name: String, entry: MethodEntry)], interface: String? = nil) -> String? {
        contents.withLock { contents in
            var seen = Set<String>()
            for (name, _) in newEntries where contents.entries[name] != nil || !seen.insert(name).inserted {
                return name
            }
            for (name, entry) in newEntries {
                contents.entries[name] = entry
            }
            if let interface, !interface.isEmpty { contents.interfaces.append(interface) }
            changes.add(1, ordering: .releasing)
            return nil
        }
    }
}
