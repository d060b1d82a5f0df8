import CZeroMQ
import Logging

/// The process's ZAP registry: each curve server registers a domain of its own with its
/// admission rule, and a `ZAPHandler` thread serves them all while at least one is
/// registered.
///
/// **Context lifetime.** Inproc ZAP only reaches sockets of the handler's own libzmq
/// context, and `ZMQContext` terminates a context when its last lease goes and makes a
/// fresh one for the next socket. The handler is nevertheless always in the context of
/// every registered server:
/// - a server registers only after its ROUTER exists, so it holds a lease on the live
///   context; a handler started then leases that same context;
/// - the handler holds its own lease while it runs, so the live context cannot change
///   under it, and servers registering later join it;
/// - starting and stopping happen under one lock (`lifecycle`). The last unregister
///   stops the handler and waits for its socket to close while holding that lock, so a
///   server registering meanwhile waits, then starts a fresh handler in whatever context
///   is live (its own, leased by its ROUTER). No server is ever left with a handler
///   that is shutting down, or with one in a terminated context.
///
/// libzmq 4.3 admits curve clients without asking anyone when no handler is bound
/// (`ZMQ_ZAP_ENFORCE_DOMAIN` is a draft option Debian's build lacks), which is why
/// `register` returns only once the handler is bound, before the server binds.
final class ZAPAuthenticator: Sendable {
    private struct Lifecycle {
        var handler: ZAPHandler?
        var lastDomain: UInt64 = 0
    }

    /// The registry of `ZMQContext.shared`, which every `Server` uses.
    static let shared = ZAPAuthenticator(contexts: .shared)

    let contexts: ZMQContext
    private let lifecycle = LockedValue(Lifecycle())
    /// Read by the handler thread on every request; only ever locked inside `lifecycle`
    /// or alone, never the other way round.
    private let domains = LockedValue<[String: Domain]>([:])

    /// A registered domain: who it admits, and where its server logs rejected handshakes.
    private struct Domain {
        var admission: ZAPRequest.Admission
        var logger: Logger?
    }

    init(contexts: ZMQContext) {
        self.contexts = contexts
    }

    /// Registers a fresh domain admitting `admission`, starting the handler if none runs.
    /// Handshakes it rejects are logged at `.notice` on `logger`.
    func register(
        _ admission: ZAPRequest.Admission, logger: Logger? = nil
    ) throws(TransportError) -> ZAPRegistration {
        let domain = try lifecycle.withLock { state throws(TransportError) -> String in
            state.lastDomain &+= 1
            let domain = "zerorpc-\(state.lastDomain)"
            domains.withLock { $0[domain] = Domain(admission: admission, logger: logger) }
            if state.handler == nil {
                do throws(TransportError) {
                    state.handler = try ZAPHandler.start(
                        contexts: contexts,
                        admission: { [domains] domain in domains.withLock { $0[domain]?.admission } },
                        rejected: { [domains] rejection in
                            let logger = domains.withLock { $0[rejection.domain]?.logger }
                            logger?.notice(
                                "zerorpc server: rejected a CurveZMQ handshake",
                                metadata: [
                                    "zerorpc.reason": "\(rejection.reason)",
                                    "zerorpc.peer": "\(rejection.clientKey ?? "")",
                                    "zerorpc.address": "\(rejection.address)",
                                ])
                        })
                } catch {
                    domains.withLock { $0[domain] = nil }
                    throw error
                }
            }
            return domain
        }
        return ZAPRegistration(domain: domain, authenticator: self)
    }

    /// Forgets `domain`; the last one stops the handler and waits until it has.
    func unregister(_ domain: String) {
        lifecycle.withLock { state in
            let isEmpty = domains.withLock { domains in
                domains[domain] = nil
                return domains.isEmpty
            }
            guard isEmpty, let handler = state.handler else { return }
            handler.stop()
            state.handler = nil
        }
    }

    /// Whether a handler thread is serving.
    var isServing: Bool { lifecycle.withLock { $0.handler != nil } }
}

/// A server's ZAP domain; `cancel()` gives it back (once). Owned by the server's socket.
final class ZAPRegistration {
    let domain: String
    private var authenticator: ZAPAuthenticator?

    init(domain: String, authenticator: ZAPAuthenticator) {
        self.domain = domain
        self.authenticator = authenticator
    }

    func cancel() {
        authenticator?.unregister(domain)
        authenticator = nil
    }
}
