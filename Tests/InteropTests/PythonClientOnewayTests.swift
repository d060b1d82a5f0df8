import Foundation
import Synchronization
import Testing
import ZeroRPC

/// `oneway_checks.py` against a Swift server (issue 17, defect 4): a stock client calling
/// a one-way method with a wrong type or arity gets `ERR TypeError` like any call, where
/// it used to get `OK None` while the server only logged the failure.
@Suite("stock Python client -> Swift server, one-way arguments", .timeLimit(.minutes(2)))
struct PythonClientOnewayTests {
    static let checks = [
        "oneway_good_call_ok", "oneway_wrong_type_type_error", "oneway_too_many_type_error",
        "oneway_missing_type_error", "oneway_bad_calls_never_ran",
    ]

    /// What generated code registers for `oneway log(line: string)` plus `logged()`,
    /// written out: the one-way method in the checked form the generator emits.
    struct LogService: RegistrableService {
        static var namespace: String? { nil }
        static var interfaceDefinition: String { "" }
        let lines = LockedLines()

        var methods: [ServiceMethod] {
            [
                .oneway("log", parameters: [.init(name: "line")], doc: nil) { arguments in
                    let line = try arguments.next(String.self, name: "line")
                    try arguments.finish()
                    return { _ in lines.append(line) }
                },
                .unary("logged", parameters: [], doc: nil) { arguments, _ in
                    try arguments.finish()
                    return lines.all
                },
            ]
        }
    }

    final class LockedLines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func badOnewayArgumentsGetTypeError() async throws {
        let server = Server(
            name: InteropFixture.serverName, options: ServerOptions(heartbeatInterval: InteropFixture.heartbeat))
        let service = LogService()
        try server.register(service)
        let endpoint = try bindToFreePort(server)
        try await expectChecksPass(script: "oneway_checks.py", against: endpoint, checks: Self.checks)
        #expect(service.lines.all == ["hello"])
        await server.close()
    }
}
