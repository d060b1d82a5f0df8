// Per-call logging on the server, installed by `Server.init` only when its logger would
// print it: nothing is added to the call path at the default `.info` level without
// interceptors.
import Logging
import Synchronization

/// Logs each call at `.debug` (method, peer, duration, outcome, message id as metadata),
/// and at `.notice` each call an interceptor refused (threw before the handler ran).
struct ServerCallLog: ServerInterceptor {
    let logger: Logger
    /// Whether every call is logged (`.debug`), or only refusals.
    let logsEveryCall: Bool
    /// Whether other interceptors follow, with the marker after them: only they can
    /// refuse a call.
    let detectsRefusals: Bool

    /// The interceptors a server runs: `interceptors` wrapped in call logging where the
    /// logger's level asks for it. Refusals need a marker after the last interceptor.
    static func wrapping(_ interceptors: [any ServerInterceptor], logger: Logger) -> [any ServerInterceptor] {
        let logsEveryCall = logger.logLevel <= .debug
        let logsRefusals = logger.logLevel <= .notice && !interceptors.isEmpty
        guard logsEveryCall || logsRefusals else { return interceptors }
        let log = ServerCallLog(logger: logger, logsEveryCall: logsEveryCall, detectsRefusals: !interceptors.isEmpty)
        return [log] + interceptors + (interceptors.isEmpty ? [] : [HandlerReached.Marker()])
    }

    func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
        let start = ContinuousClock.now
        let reached = detectsRefusals ? HandlerReached() : nil
        do {
            if let reached {
                try await HandlerReached.$current.withValue(reached) { try await next(context) }
            } else {
                try await next(context)
            }
            if logsEveryCall { log(context, start: start, outcome: "ok", error: nil) }
        } catch {
            if let reached, !reached.isSet {
                var metadata = Self.metadata(context)
                metadata["zerorpc.error"] = "\(String(reflecting: error))"
                logger.notice("zerorpc server: refused '\(context.method)'", metadata: metadata)
            } else if logsEveryCall {
                log(context, start: start, outcome: "error", error: error)
            }
            throw error
        }
    }

    private func log(_ context: ServerContext, start: ContinuousClock.Instant, outcome: String, error: (any Error)?) {
        var metadata = Self.metadata(context)
        metadata["zerorpc.duration"] = "\(ContinuousClock.now - start)"
        metadata["zerorpc.outcome"] = "\(outcome)"
        if let error { metadata["zerorpc.error"] = "\(String(reflecting: error))" }
        logger.debug("zerorpc server: call", metadata: metadata)
    }

    /// Method, peer (its curve key when it has one, else its ROUTER identity in hex) and
    /// the request's message id.
    static func metadata(_ context: ServerContext) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "zerorpc.method": "\(context.method)",
            "zerorpc.peer": "\(context.peerPublicKey ?? hex(context.peerIdentity))",
        ]
        if let id = context.header["message_id"] {
            switch id {
            case .binary(let bytes): metadata["zerorpc.message_id"] = "\(hex(Array(bytes)))"
            case .string(let text): metadata["zerorpc.message_id"] = "\(text)"
            default: metadata["zerorpc.message_id"] = "\(id)"
            }
        }
        return metadata
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Set by the marker after the last interceptor: the call got past every interceptor,
/// so an error it ends with came from the handler, not a refusal.
final class HandlerReached: Sendable {
    @TaskLocal static var current: HandlerReached?
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    struct Marker: ServerInterceptor {
        func intercept(_ context: ServerContext, next: (ServerContext) async throws -> Void) async throws {
            HandlerReached.current?.flag.store(true, ordering: .relaxed)
            try await next(context)
        }
    }
}
