import Dispatch

/// A one-shot answer from the I/O thread to a synchronous API (`bind`, `connect`,
/// `Client.init`) that must report its error before returning.
final class BlockingReply<Value: Sendable>: Sendable {
    private let result = LockedValue<Result<Value, RPCError>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func succeed(_ value: Value) { finish(.success(value)) }

    func fail(_ error: RPCError) { finish(.failure(error)) }

    private func finish(_ outcome: Result<Value, RPCError>) {
        let isFirst = result.withLock { stored in
            guard stored == nil else { return false }
            stored = outcome
            return true
        }
        if isFirst { ready.signal() }
    }

    /// Blocks the calling thread until the I/O thread answered.
    func wait() throws(RPCError) -> Value {
        ready.wait()
        let outcome = result.withLock { $0 } ?? .failure(.closed)
        return try outcome.get()
    }
}

extension ZMQSocket {
    /// Binds `endpoint` for a loop's `bind` command and answers the waiting caller with
    /// the endpoint bound, or `RPCError.invalidEndpoint`.
    func bind(_ endpoint: String, answering reply: BlockingReply<String>) {
        do throws(TransportError) {
            reply.succeed(try bind(endpoint))
        } catch {
            reply.fail(.invalidEndpoint(endpoint, reason: error.description))
        }
    }

    /// Sets `options` and connects to `endpoint` for a loop's `connect` command, and
    /// answers the waiting caller (`RPCError.invalidEndpoint` when either fails).
    func connect(_ endpoint: String, options: [(Int32, Int32)] = [], answering reply: BlockingReply<Void>) {
        do throws(TransportError) {
            for (option, value) in options { try setOption(option, value) }
            try connect(endpoint)
            reply.succeed(())
        } catch {
            reply.fail(.invalidEndpoint(endpoint, reason: error.description))
        }
    }
}
