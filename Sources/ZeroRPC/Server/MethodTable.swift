import Synchronization

/// One call as a handler task receives it: the owned request event and who sent it.
struct IncomingCall: Sendable {
    let event: EventEnvelope
    let peerIdentity: [UInt8]
}

/// What the server runs for one wire name. `run` decodes the arguments, calls the user's
/// code and returns the whole encoded reply event (OK or ERR); for one-way methods the
/// server has already answered and the return value is ignored.
struct MethodEntry: Sendable {
    let isOneway: Bool
    let run: @Sendable (IncomingCall) async -> [UInt8]
}

/// The wire names a server answers, shared between `register` callers and the I/O
/// thread that looks names up for each request.
final class MethodTable: Sendable {
    private let entries = Mutex<[String: MethodEntry]>([:])

    func entry(named name: String) -> MethodEntry? {
        entries.withLock { $0[name] }
    }

    /// Adds `entry` under `name`; false when the name is taken.
    func insert(_ entry: MethodEntry, named name: String) -> Bool {
        entries.withLock { entries in
            guard entries[name] == nil else { return false }
            entries[name] = entry
            return true
        }
    }
}
