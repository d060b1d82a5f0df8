/// The open ``ResultStore/cancellationRequests(for:)`` streams of one store instance,
/// by issuer.
package final class CancellationBroadcast: Sendable {
    private struct Subscribers {
        var byIssuer: [DeferredServerID: [UInt64: AsyncStream<DeferredToken>.Continuation]] = [:]
        var nextID: UInt64 = 0
        var isFinished = false
    }

    private let subscribers = LockedValue(Subscribers())

    package init() {}

    /// A stream of the tokens of `issuer` published from now on.
    package func subscribe(_ issuer: DeferredServerID) -> AsyncStream<DeferredToken> {
        let (stream, continuation) = AsyncStream<DeferredToken>.makeStream(bufferingPolicy: .unbounded)
        let id: UInt64? = subscribers.withLock { state in
            guard !state.isFinished else { return nil }
            state.nextID &+= 1
            state.byIssuer[issuer, default: [:]][state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { state in
                state.byIssuer[issuer]?[id] = nil
                if state.byIssuer[issuer]?.isEmpty == true { state.byIssuer[issuer] = nil }
            }
        }
        return stream
    }

    /// Whether any stream listens for `issuer`'s tokens.
    package func hasSubscribers(for issuer: DeferredServerID) -> Bool {
        subscribers.withLock { $0.byIssuer[issuer] != nil }
    }

    /// The issuers someone listens for.
    package var subscribedIssuers: Set<DeferredServerID> {
        subscribers.withLock { Set($0.byIssuer.keys) }
    }

    /// Tells every stream of the token's issuer.
    package func publish(_ token: DeferredToken) {
        let continuations = subscribers.withLock { state in state.byIssuer[token.issuer].map { Array($0.values) } ?? []
        }
        for continuation in continuations { continuation.yield(token) }
    }

    /// Ends every stream, now and for later subscribers (the store closed).
    package func finishAll() {
        let continuations = subscribers.withLock { state in
            state.isFinished = true
            defer { state.byIssuer = [:] }
            return state.byIssuer.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
