import Testing

/// The stock Python client against the stock Python server: proves the checks and the
/// harness themselves, so a failure in the Swift directions points at the runtime.
@Suite("Python client -> Python server (the oracle)", .timeLimit(.minutes(2)))
struct PythonOracleTests {
    static let report = OnceTask {
        try await withPythonServer(heartbeat: InteropFixture.heartbeat) { endpoint, _ in
            try await runClientChecks(
                against: endpoint, heartbeat: InteropFixture.heartbeat,
                extraArguments: ["--stream", "--strict-args", "--raw"])
        }
    }

    static let checks = expectedClientChecks + streamClientChecks + rawClientChecks

    @Test("every check reported, in order, and the script exits 0")
    func reportIsComplete() async throws {
        try await Self.report.value.expectComplete(Self.checks, script: "client_checks.py")
    }

    @Test("check passes", arguments: checks)
    func checkPasses(_ check: String) async throws {
        try await Self.report.value.expectPasses(check)
    }
}
