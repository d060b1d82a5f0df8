// Per-call logging on the client, installed by `Client.init` only when its logger is at
// `.debug` or lower: nothing is added to the call path otherwise.
import Logging

/// Logs each request at `.debug`: method, first reply event, duration and outcome.
struct ClientCallLog: ClientInterceptor {
    let logger: Logger

    /// `interceptors` with call logging first, when the logger's level asks for it.
    static func wrapping(_ interceptors: [any ClientInterceptor], logger: Logger) -> [any ClientInterceptor] {
        logger.logLevel <= .debug ? [ClientCallLog(logger: logger)] + interceptors : interceptors
    }

    func intercept(
        _ request: ClientRequest, next: (ClientRequest) async throws -> ClientReply
    ) async throws -> ClientReply {
        let start = ContinuousClock.now
        var metadata: Logger.Metadata = ["zerorpc.method": "\(request.method)"]
        do {
            let reply = try await next(request)
            metadata["zerorpc.duration"] = "\(ContinuousClock.now - start)"
            metadata["zerorpc.reply"] = "\(reply.event)"
            metadata["zerorpc.outcome"] = "\(reply.event == EventName.error ? "error" : "ok")"
            logger.debug("zerorpc client: call", metadata: metadata)
            return reply
        } catch {
            metadata["zerorpc.duration"] = "\(ContinuousClock.now - start)"
            metadata["zerorpc.outcome"] = "error"
            metadata["zerorpc.error"] = "\(String(reflecting: error))"
            logger.debug("zerorpc client: call", metadata: metadata)
            throw error
        }
    }
}
