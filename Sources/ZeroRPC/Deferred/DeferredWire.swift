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
    static let deferredEvent = EventName.deferred

    /// The token a `DEFERRED [token]` event carries; nil when it carries none.
    static func token(in event: EventEnvelope) -> DeferredToken? {
        var reader = event.argumentsReader()
        guard (try? reader.readArrayHeader()).map({ $0 >= 1 }) == true else { return nil }
        return try? reader.read(DeferredToken.self)
    }

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
        /// An idempotency key longer than ``ServerOptions/maximumIdempotencyKeyLength``.
        static let keyTooLong = "IdempotencyKeyTooLong"
    }

    /// The msgpack encoding of a budget: a non-negative integer of milliseconds.
    static func encodeBudget(_ budget: Duration) -> [UInt8] {
        var writer = MessagePackWriter()
        writer.write(UInt64(max(budget, .zero).wholeMilliseconds))
        return writer.bytes
    }

    /// The budget in a request header: nil when the key is absent or the method is a
    /// built-in (`_zerorpc_*`, `_zpc_*`: pings, introspection and the deferred requests
    /// are answered at once whatever the header says), `ArgumentError` (answered
    /// `ERR TypeError`) when it is not a non-negative finite number of milliseconds.
    /// Budgets past `Int32.max` ms (24 days) are clamped there.
    static func budget(in event: EventEnvelope) -> Result<Duration, ArgumentError>? {
        guard let range = event.extraHeaderFields[budgetHeaderKey], !isBuiltIn(event.name) else { return nil }
        var reader = MessagePackReader(payload: event.payload, startingAt: range.lowerBound)
        guard let value = try? reader.read(MessagePackValue.self), let milliseconds = milliseconds(in: value) else {
            return .failure(
                ArgumentError(
                    message: "\(event.name)(): header '\(budgetHeaderKey)' must be a non-negative number of "
                        + "milliseconds"))
        }
        return .success(.milliseconds(min(milliseconds, Int64(Int32.max))))
    }

    /// Whether `name` is one of the runtime's own methods, which are never deferred.
    static func isBuiltIn(_ name: String) -> Bool {
        name.hasPrefix("_zerorpc_") || name.hasPrefix("_zpc_")
    }

    /// A non-negative count of milliseconds from the wire: any non-negative integer (a
    /// uint64 past `Int64.max` is clamped) or a finite non-negative float (rounded down);
    /// nil for anything else — negative numbers, NaN, infinities, strings, nil — so no
    /// peer-sent value ever reaches a `Duration` initialiser that traps.
    static func milliseconds(in value: MessagePackValue) -> Int64? {
        switch value {
        case .int(let count) where count >= 0: count
        case .uint(let count): Int64(clamping: count)
        case .double(let count) where count.isFinite && count >= 0: clamped(count)
        case .float(let count) where count.isFinite && count >= 0: clamped(Double(count))
        default: nil
        }
    }

    /// A finite non-negative count as `Int64`, `Int64.max` past it (`Int64(_:)` traps there).
    private static func clamped(_ count: Double) -> Int64 {
        count < 0x1p63 ? Int64(count) : .max
    }

    /// The idempotency key of a request as it arrived: nil when absent.
    enum IdempotencyKey: Sendable {
        /// The key scoped by the method it calls, and the key's own length in UTF-8 bytes.
        case text(scoped: String, byteCount: Int)
        /// Present but not a string: answered `ERR TypeError`.
        case malformed
    }

    /// The idempotency key of a request, scoped by the method it calls; nil when absent.
    static func idempotencyKey(in event: EventEnvelope) -> IdempotencyKey? {
        guard let range = event.extraHeaderFields[idempotencyHeaderKey] else { return nil }
        var reader = MessagePackReader(payload: event.payload, startingAt: range.lowerBound)
        guard let key = try? reader.readString() else { return .malformed }
        return .text(scoped: event.name + "\u{1F}" + key, byteCount: key.utf8.count)
    }

    /// The `wait_ms` of `_zpc_result [token, wait_ms]`, clamped to ``maximumWait``: zero
    /// when absent (or nil: "do not wait"), `ArgumentError` naming the argument when it is
    /// not a non-negative finite number.
    static func resultWait(_ value: MessagePackValue?) throws(ArgumentError) -> Duration {
        guard let value, value != .nil else { return .zero }
        guard let milliseconds = milliseconds(in: value) else {
            throw ArgumentError(
                message: "\(result)(): argument 'wait_ms': expected a non-negative number of milliseconds, got "
                    + String(String(describing: value).prefix(40)))  // a peer's 1 MiB string is not echoed
        }
        return min(.milliseconds(min(milliseconds, Int64(Int32.max))), maximumWait)
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
