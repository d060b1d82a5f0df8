import Foundation
import Testing
import ZeroRPC

/// A stock Python `zerorpc.Client` (`client_checks.py`) against a Swift `Server` in
/// this process: every check line is asserted on its own, so a failure names it.
@Suite("stock Python client -> Swift server", .timeLimit(.minutes(2)))
struct PythonClientToSwiftServerTests {
    /// Streams are not in the dynamic API (issue 6), so no `--stream` here.
    static let checks = expectedClientChecks + rawClientChecks

    static let report = OnceTask {
        let server = Server(
            name: InteropFixture.serverName,
            options: ServerOptions(heartbeatInterval: InteropFixture.heartbeat, exposeErrorDetails: true))
        try InteropService.register(on: server)
        let endpoint = try bindToFreePort(server)
        let serving = Task { try await server.run() }
        do {
            let report = try await runClientChecks(
                against: endpoint, heartbeat: InteropFixture.heartbeat, extraArguments: ["--raw"])
            await server.close()
            try await serving.value
            return report
        } catch {
            await server.close()
            serving.cancel()
            throw error
        }
    }

    @Test("every check reported, in order, and the script exits 0")
    func reportIsComplete() async throws {
        try await Self.report.value.expectComplete(Self.checks, script: "client_checks.py")
    }

    @Test("check passes", arguments: checks)
    func checkPasses(_ check: String) async throws {
        try await Self.report.value.expectPasses(check)
    }
}

/// Binds `server` to a loopback port the kernel just reported free; retries a few times
/// in case another process takes the port in between. Returns the endpoint.
func bindToFreePort(_ server: Server) throws -> String {
    var lastError: (any Error)?
    for _ in 0..<5 {
        let endpoint = "tcp://127.0.0.1:\(try freeLoopbackPort())"
        do {
            _ = try server.bind(endpoint)
            return endpoint
        } catch {
            lastError = error
        }
    }
    throw lastError ?? InteropSetupError("could not bind a loopback port")
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw InteropSetupError("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
        }
    }
    guard bound else { throw InteropSetupError("could not find a free port: errno \(errno)") }
    return UInt16(bigEndian: address.sin_port)
}
