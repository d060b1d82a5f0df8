// A zerorpc-swift server in a process of its own, for the deferred-result tests that
// need two processes sharing one result store: a SQLite file, or a PostgreSQL database.
//
//   zerorpc-deferred-test-server --store PATH --id SERVER_ID --bind ENDPOINT
//   zerorpc-deferred-test-server --postgres URL --schema NAME [--lease-ms N] --id SERVER_ID --bind ENDPOINT
//
// Prints "READY <endpoint>" once bound and serves until its stdin closes (so it ends
// with the test that started it). Methods:
//   hold(key) -> key      reports progress 0.5 "held", then waits until release(key)
//   release(key) -> nil   lets hold(key) finish (also before it started)
import Foundation
import ZeroRPC
import ZeroRPCPostgres
import ZeroRPCSQLite
import ZeroRPCTestSupport

final class Releases: Sendable {
    private struct State {
        var released: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = LockedValue(State())

    func release(_ key: String) {
        let waiters = state.withLock { state in
            state.released.insert(key)
            return state.waiters.removeValue(forKey: key) ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait(for key: String) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.released.contains(key) { return true }
                state.waiters[key, default: []].append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// The store the arguments name, and how to close it.
func openStore() async throws -> (any ResultStore, @Sendable () async -> Void)? {
    if let path = commandLineValue(after: "--store") {
        let store = try await SQLiteResultStore(path: path)
        return (store, { await store.close() })
    }
    if let url = commandLineValue(after: "--postgres"), let schema = commandLineValue(after: "--schema") {
        var configuration = PostgresResultStore.Configuration(schema: schema)
        if let lease = commandLineValue(after: "--lease-ms").flatMap(Int64.init) {
            configuration.leaseDuration = .milliseconds(lease)
        }
        let store = try await PostgresResultStore(url: url, configuration: configuration)
        return (store, { await store.close() })
    }
    return nil
}

guard let id = commandLineValue(after: "--id").flatMap(DeferredServerID.init),
    let endpoint = commandLineValue(after: "--bind"),
    let (store, closeStore) = try await openStore()
else {
    FileHandle.standardError.write(
        Data(
            "usage: (--store PATH | --postgres URL --schema NAME [--lease-ms N]) --id SERVER_ID --bind ENDPOINT\n"
                .utf8))
    exit(2)
}

let server = Server(
    name: "deferred-\(id)",
    options: ServerOptions(heartbeatInterval: .seconds(1), deferred: .init(store: store, serverID: id)))
let releases = Releases()
try server.register(name: "hold") { arguments, context in
    let key = arguments.first?.stringValue ?? ""
    await context.progress(0.5, "held")
    await withTaskCancellationHandler {
        await releases.wait(for: key)
    } onCancel: {
        releases.release(key)
    }
    try Task.checkCancellation()
    return .string(key)
}
try server.register(name: "release") { arguments, _ in
    releases.release(arguments.first?.stringValue ?? "")
    return .nil
}
let bound = try server.bind(endpoint)
FileHandle.standardOutput.write(Data("READY \(bound)\n".utf8))

// Serve until the test closes our stdin (or dies).
await waitUntilStandardInputCloses()
await server.close()
await closeStore()
