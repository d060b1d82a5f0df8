/// What a client's servers announced in header key `ext`, learnt by the I/O thread from
/// replies and read by calling tasks when they encode a request.
///
/// Every DEALER of the client counts: an extension is usable only once every endpoint's
/// server announced it, because the I/O thread picks the endpoint after the request is
/// encoded. One stock server among them makes the whole client `stock`.
final class PeerExtensions: Sendable {
    enum Knowledge: Equatable, Sendable {
        /// No reply has told us yet for at least one endpoint.
        case unknown
        /// At least one endpoint answered without `ext`: a stock zerorpc server.
        case stock
        /// Every endpoint announced; the names all of them share.
        case announced(Set<String>)
    }

    private struct State {
        var perConnection: [Set<String>??]
        var knowledge = Knowledge.unknown
        /// Which endpoint each deferred-token issuer answered on.
        var issuers: [DeferredServerID: Int] = [:]
    }

    private let state: LockedValue<State>

    init(connectionCount: Int) {
        state = LockedValue(State(perConnection: Array(repeating: nil, count: connectionCount)))
    }

    /// The combined knowledge over all endpoints.
    var knowledge: Knowledge { state.withLock { $0.knowledge } }

    /// Records the first reply seen on connection `index`: `names` is nil for a reply
    /// without `ext`. Returns false when that connection was already known, so the I/O
    /// thread stops looking.
    @discardableResult
    func learn(connection index: Int, names: Set<String>?) -> Bool {
        state.withLock { state in
            guard state.perConnection.indices.contains(index), state.perConnection[index] == nil else { return false }
            state.perConnection[index] = .some(names)
            var shared: Set<String>?
            var someUnknown = false
            for entry in state.perConnection {
                switch entry {
                case nil: someUnknown = true
                case .some(nil):
                    state.knowledge = .stock
                    return true
                case .some(.some(let names)): shared = shared?.intersection(names) ?? names
                }
            }
            state.knowledge = someUnknown ? .unknown : .announced(shared ?? [])
            return true
        }
    }

    /// Records that the server issuing `issuer`'s tokens answered on connection `index`,
    /// so later requests about its tokens go there (its memory store holds them).
    func learnIssuer(_ issuer: DeferredServerID, connection index: Int) {
        state.withLock { $0.issuers[issuer] = index }
    }

    /// The connection whose server issues `issuer`'s tokens, if seen.
    func connection(forIssuer issuer: DeferredServerID) -> Int? {
        state.withLock { $0.issuers[issuer] }
    }
}
