import Foundation
import ZeroRPC

/// The method set of `python/server.py`, registered on a Swift `Server` through the
/// dynamic API, so the stock Python client can run the same checks against both.
enum InteropService {
    /// Named like the Python exceptions so the client sees the same ERR names.
    struct ValueError: Error, CustomStringConvertible {
        let description: String
    }

    struct TypeError: Error, CustomStringConvertible {
        let description: String
    }

    static func register(on server: Server) throws {
        let notified = NotifiedLog()

        try server.register(name: "add", doc: InteropFixture.addDoc) { arguments, _ in
            try expectCount(2, arguments, method: "add")
            if let a = arguments[0].int64Value, let b = arguments[1].int64Value {
                let (sum, overflow) = a.addingReportingOverflow(b)
                if !overflow { return .int(sum) }
            }
            guard let a = arguments[0].doubleValue, let b = arguments[1].doubleValue else {
                throw TypeError(description: "add(): expected numbers, got \(arguments)")
            }
            return .double(a + b)
        }
        try server.register(name: "echo") { arguments, _ in
            try expectCount(1, arguments, method: "echo")
            return arguments[0]
        }
        try server.register(name: "fail") { arguments, _ in
            try expectCount(1, arguments, method: "fail")
            throw ValueError(description: arguments[0].stringValue ?? arguments[0].description)
        }
        try server.register(name: "fail_declared") { arguments, _ in
            try expectCount(1, arguments, method: "fail_declared")
            throw PlainError(message: arguments[0].stringValue ?? "")
        }
        try server.register(name: "fail_fields") { arguments, _ in
            try expectCount(1, arguments, method: "fail_fields")
            throw QuotaError(code: arguments[0].int64Value ?? 0, reason: "full")
        }
        try server.register(name: "slow") { arguments, _ in
            try expectCount(1, arguments, method: "slow")
            guard let seconds = arguments[0].doubleValue, seconds >= 0, seconds < 60 else {
                throw TypeError(description: "slow(): expected seconds in 0..<60, got \(arguments[0])")
            }
            do {
                try await Task.sleep(for: .seconds(seconds))
            } catch {
                notified.append(.string("cancelled slow \(seconds)"))  // the client was lost
                throw error
            }
            return arguments[0]
        }
        try server.register(name: "notify") { arguments, _ in
            try expectCount(1, arguments, method: "notify")
            notified.append(arguments[0])
            return .nil
        }
        try server.register(name: "notified") { arguments, _ in
            try expectCount(0, arguments, method: "notified")
            return .array(notified.values)
        }
    }

    private static func expectCount(_ count: Int, _ arguments: [MessagePackValue], method: String) throws {
        guard arguments.count == count else {
            throw TypeError(
                description: "\(method)() takes \(count) positional argument(s) but \(arguments.count) were given")
        }
    }
}

/// What `notify` received, in order.
final class NotifiedLog: Sendable {
    private let storage = LockedValue<[MessagePackValue]>([])

    func append(_ value: MessagePackValue) { storage.withLock { $0.append(value) } }

    var values: [MessagePackValue] { storage.withLock { $0 } }
}

/// `error PlainError { message: string }`: a stock client must see its message as is.
struct PlainError: MessageOnlyError {
    static let wireName = "PlainError"
    let message: String
}

/// `error QuotaError { code: int, reason: string }`: no message field, so a stock client
/// sees `code=…, reason=…`.
struct QuotaError: DeclaredError {
    static let wireName = "QuotaError"
    let code: Int64
    let reason: String

    init(code: Int64, reason: String) {
        self.code = code
        self.reason = reason
    }

    func encode(to writer: inout MessagePackWriter) {
        writer.writeMapHeader(2)
        writer.write("code")
        writer.write(code)
        writer.write("reason")
        writer.write(reason)
    }

    init(from reader: inout MessagePackReader) throws {
        _ = try reader.readMapHeader()
        _ = try reader.readString()
        code = try reader.read(Int64.self)
        _ = try reader.readString()
        reason = try reader.read(String.self)
    }
}
