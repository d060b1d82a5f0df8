/// The names of the zerorpc events the runtime sends and acts on, in one place, so
/// every sender and every `switch` agree byte for byte. (Deferred results' own events
/// are in `DeferredWire`; method names are the user's.)
enum EventName {
    static let ok = "OK"
    static let error = "ERR"
    static let stream = "STREAM"
    static let streamDone = "STREAM_DONE"
    static let heartbeat = "_zpc_hb"
    static let more = "_zpc_more"
    static let send = "_zpc_send"
    static let `throw` = "_zpc_throw"
    static let close = "_zpc_close"
    static let deferred = "DEFERRED"
}

/// The name of a received event, matched once as bytes when the envelope is decoded,
/// so the loops and consumers switch on a small enum instead of comparing strings.
enum EventKind: UInt8, Sendable {
    case ok, error, stream, streamDone, heartbeat, more, send, `throw`, close, deferred
    /// Any other name: a method (requests), or an event this runtime does not act on.
    case other

    /// Matches `name`, the raw UTF-8 of an event name.
    init(name: UnsafeRawBufferPointer) {
        switch name.count {
        case 2: self = name.holds("OK") ? .ok : .other
        case 3: self = name.holds("ERR") ? .error : .other
        case 6: self = name.holds("STREAM") ? .stream : .other
        case 7: self = name.holds("_zpc_hb") ? .heartbeat : .other
        case 8: self = name.holds("DEFERRED") ? .deferred : .other
        case 9: self = name.holds("_zpc_more") ? .more : name.holds("_zpc_send") ? .send : .other
        case 10: self = name.holds("_zpc_close") ? .close : name.holds("_zpc_throw") ? .throw : .other
        case 11: self = name.holds("STREAM_DONE") ? .streamDone : .other
        default: self = .other
        }
    }

    /// The name, without decoding it again; nil for `.other`.
    var name: String? {
        switch self {
        case .ok: EventName.ok
        case .error: EventName.error
        case .stream: EventName.stream
        case .streamDone: EventName.streamDone
        case .heartbeat: EventName.heartbeat
        case .more: EventName.more
        case .send: EventName.send
        case .throw: EventName.throw
        case .close: EventName.close
        case .deferred: EventName.deferred
        case .other: nil
        }
    }

    /// `OK`, `ERR` and `STREAM_DONE` end a channel.
    var endsChannel: Bool { self == .ok || self == .error || self == .streamDone }
}
