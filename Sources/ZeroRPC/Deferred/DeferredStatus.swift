/// Where a deferred call stands, as `_zpc_status` reports it.
public enum DeferredStatus: Sendable, Hashable {
    /// The entry exists; its owner has reported nothing yet.
    case pending
    /// The owner reported progress: a fraction in `0...1` and/or a line of text.
    case running(progress: Double?, message: String?)
    /// Finished with a result.
    case done
    /// Finished with an error. ``DeferredError/lostName`` as `name` means the owning
    /// process stopped renewing its lease (it died) before finishing.
    case failed(name: String, message: String)
    /// Finished because cancellation was requested and the owner stopped.
    case cancelled
    /// The entry outlived its time to live unclaimed and was removed.
    case expired

    /// Whether the call has an outcome, or never will (expired).
    public var isFinal: Bool {
        switch self {
        case .pending, .running: false
        case .done, .failed, .cancelled, .expired: true
        }
    }
}

/// How a deferred call ended, as a ``ResultStore`` keeps it.
public enum DeferredOutcome: Sendable, Hashable {
    /// The handler returned; `encodedResult` is the msgpack encoding of its result
    /// (the single value an `OK` event carries).
    case success(encodedResult: [UInt8])
    /// The handler threw.
    case failure(DeferredError)
    /// The handler stopped after cancellation was requested.
    case cancelled

    /// The status a finished entry with this outcome reports.
    public var status: DeferredStatus {
        switch self {
        case .success: .done
        case .failure(let error): .failed(name: error.name, message: error.message)
        case .cancelled: .cancelled
        }
    }
}

/// The error a deferred call ended with: the three fields of an `ERR` event, plus the
/// encoded fields of an IDL-declared error (header key `"error"`) when there are any.
public struct DeferredError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's wire name (`ValueError`, `DivisionByZero`, ``lostName``).
    public var name: String
    /// A human-readable message.
    public var message: String
    /// A traceback, or empty.
    public var traceback: String
    /// The msgpack encoding of a declared error's fields (a map), or nil.
    public var encodedFields: [UInt8]?

    public init(name: String, message: String, traceback: String = "", encodedFields: [UInt8]? = nil) {
        self.name = name
        self.message = message
        self.traceback = traceback
        self.encodedFields = encodedFields
    }

    /// The name of the error a store reports when an entry's owner died before finishing.
    public static let lostName = "DeferredResultLost"

    /// The error of an entry whose owner stopped renewing its lease.
    public static let lost = DeferredError(
        name: lostName,
        message: "the server process running this call stopped before it finished")

    public var description: String { "\(name): \(message)" }
}
