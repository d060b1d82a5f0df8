/// The names and shapes of the deferred-result events (docs/DEFERRED.md, "Wire").
///
/// A request carries header key `"deferred": <budget ms>`; a call still running that long
/// after it arrived is answered `DEFERRED [token]`. The four requests below each open a
/// channel of their own (no `response_to`).
enum DeferredWire {
    /// The request header key holding the responsiveness budget in milliseconds.
    static let budgetHeaderKey = "deferred"
    /// The request header key of an idempotency key (a string): a resent request with
    /// the same key and method gets the first one's token instead of running again.
    static let idempotencyHeaderKey = "idem"
    /// The reply event of a call that outlived its budget: `DEFERRED [token]`.
    static let deferredEvent = "DEFERRED"

    /// `_zpc_result [token, wait_ms]` -> `OK [value]`, `ERR [...]` or `DEFERRED [token]`.
    static let result = "_zpc_result"
    /// `_zpc_status [token]` -> `OK [{state, progress, message[, error]}]`.
    static let status = "_zpc_status"
    /// `_zpc_cancel [token]` -> `OK [bool]`.
    static let cancel = "_zpc_cancel"
    /// `_zpc_ack [token]` -> `OK [nil]`.
    static let ack = "_zpc_ack"

    /// The `_zpc_*` names a server admits as requests on a new channel.
    static let requestNames: Set<String> = [result, status, cancel, ack]

    /// The longest a `_zpc_result` long poll waits on the server.
    static let maximumWait: Duration = .seconds(10)

    /// `ERR` names of the deferred requests' own failures.
    enum ErrorName {
        static let notFound = "DeferredNotFound"
        static let expired = "DeferredExpired"
        static let cancelled = "DeferredCancelled"
        /// The result store failed (unreachable, full, closed): no token, and no result.
        static let storeFailed = "ResultStoreError"
    }

    /// The msgpack encoding of a budget: a non-negative integer of milliseconds.
    static func encodeBudget(_ budget: Duration) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.write(UInt64(max(budget, .zero).wholeMilliseconds))
        return writer.bytes
    }

    /// The budget in a request header, or nil when the key is absent or not a
    /// non-negative integer (then the call is never deferred).
    static func budget(in event: EventEnvelope) -> Duration? {
        guard let range = event.extraHeaderFields[budgetHeaderKey] else { return nil }
        var reader = MessagePackReader(payload: event.payload, startingAt: range.lowerBound)
        guard let milliseconds = try? reader.readInt64(), milliseconds >= 0 else { return nil }
        return .milliseconds(min(milliseconds, Int64(Int32.max)))
    }

    /// The idempotency key of a request, scoped by the method it calls; nil when absent
    /// or not a string.
    static func idempotencyKey(in event: EventEnvelope) -> String? {
        guard let range = event.extraHeaderFields[idempotencyHeaderKey] else { return nil }
        var reader = MessagePackReader(payload: event.payload, startingAt: range.lowerBound)
        guard let key = try? reader.readString() else { return nil }
        return event.name + "\u{1F}" + key
    }

    /// The `{state, progress, message[, error]}` map `_zpc_status` answers.
    static func encode(_ status: DeferredStatus) -> MessagePackValue {
        var progress: MessagePackValue = .nil
        var message: MessagePackValue = .nil
        var error: MessagePackValue?
        let state: String
        switch status {
        case .pending: state = "pending"
        case .running(let fraction, let text):
            state = "running"
            progress = fraction.map { .double($0) } ?? .nil
            message = text.map { .string($0) } ?? .nil
        case .done: state = "done"
        case .failed(let name, let text):
            state = "failed"
            message = .string(text)
            error = .string(name)
        case .cancelled: state = "cancelled"
        case .expired: state = "expired"
        }
        var entries: [MessagePackValue.Entry] = [
            .init(key: "state", value: .string(state)),
            .init(key: "progress", value: progress),
            .init(key: "message", value: message),
        ]
        if let error { entries.append(.init(key: "error", value: error)) }
        return .map(entries)
    }

    /// Reads a `_zpc_status` answer; nil when it is not such a map.
    static func decodeStatus(_ value: MessagePackValue) -> DeferredStatus? {
        guard let entries = value.mapValue else { return nil }
        func field(_ key: String) -> MessagePackValue? {
            entries.first { $0.key.stringValue == key }?.value
        }
        let message = field("message")?.stringValue
        switch field("state")?.stringValue {
        case "pending": return .pending
        case "running": return .running(progress: field("progress")?.doubleValue, message: message)
        case "done": return .done
        case "failed": return .failed(name: field("error")?.stringValue ?? "RemoteError", message: message ?? "")
        case "cancelled": return .cancelled
        case "expired": return .expired
        default: return nil
        }
    }
}
