import Foundation
import Testing

/// One line of `client_checks.py` output: `{"check": name, "ok": bool, "detail": …}`.
struct CheckLine: Decodable, Sendable {
    let check: String
    let ok: Bool
    let detail: JSONText?
}

/// Any JSON value, kept only as text for failure messages.
struct JSONText: Decodable, Sendable, CustomStringConvertible {
    let description: String

    init(from decoder: Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                description = "null"
                return
            }
            if let value = try? container.decode(Bool.self) {
                description = String(value)
                return
            }
            if let value = try? container.decode(Double.self) {
                description = String(value)
                return
            }
            if let value = try? container.decode(String.self) {
                description = value
                return
            }
            if let value = try? container.decode([JSONText].self) {
                description = "[" + value.map(\.description).joined(separator: ", ") + "]"
                return
            }
            if let value = try? container.decode([String: JSONText].self) {
                description =
                    "{"
                    + value.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                    .joined(separator: ", ") + "}"
                return
            }
        }
        description = "<undecodable detail>"
    }
}

/// Everything one run of `client_checks.py` produced.
struct CheckReport: Sendable {
    let lines: [CheckLine]
    /// stdout lines that are not check lines (should be none).
    let strayOutput: [String]
    let exitStatus: Int32
    let stderrTail: String

    init(stdout: [String], exitStatus: Int32, stderr: String) {
        var lines: [CheckLine] = []
        var stray: [String] = []
        for text in stdout where !text.isEmpty {
            if let line = try? JSONDecoder().decode(CheckLine.self, from: Data(text.utf8)) {
                lines.append(line)
            } else {
                stray.append(text)
            }
        }
        self.lines = lines
        self.strayOutput = stray
        self.exitStatus = exitStatus
        self.stderrTail = String(stderr.suffix(4000))
    }

    func line(_ check: String) -> CheckLine? { lines.first { $0.check == check } }

    /// Expects exactly `checks`, in order, no stray output on stdout, and `script` to
    /// have exited 0.
    func expectComplete(_ checks: [String], script: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(lines.map(\.check) == checks, sourceLocation: sourceLocation)
        #expect(strayOutput.isEmpty, "stray stdout: \(strayOutput)", sourceLocation: sourceLocation)
        #expect(exitStatus == 0, "\(script) exited \(exitStatus)\n\(stderrTail)", sourceLocation: sourceLocation)
    }

    /// Expects `check` to be reported, and passed.
    func expectPasses(_ check: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let line = try #require(
            self.line(check), "check \(check) not reported\n\(stderrTail)", sourceLocation: sourceLocation)
        #expect(line.ok, "\(check): \(line.detail?.description ?? "no detail")", sourceLocation: sourceLocation)
    }
}

/// The checks `client_checks.py` runs without `--stream` or `--raw`, in its order. A
/// check added to the script must be added here too (a test compares the two lists).
let expectedClientChecks: [String] =
    ["add"]
    + [
        "nil", "true", "false", "int_zero", "int_pos_fixint_max", "int_neg_fixint_min", "uint8_max",
        "uint16_max", "uint32_max", "int64_max", "uint64_max", "int8_min", "int16_min", "int32_min",
        "int64_min", "float64", "float64_tiny", "float64_neg_zero", "float64_inf", "float64_neg_inf",
        "float64_nan", "str_empty", "str_utf8", "str_70k", "bin_empty", "bin_all_bytes", "bin_70k", "bin_300k_varied",
        "bins_two_large",
        "array_empty", "array_70k", "map_empty", "map_20", "nested", "ext_fixext1", "ext_fixext16",
        "ext_empty", "ext_odd_size", "ext_fixext2", "timestamp32", "timestamp64", "timestamp96",
    ].map { "echo_" + $0 }
    + [
        "error", "declared_error_message", "error_arity", "unknown_method", "concurrent_calls", "slow_past_heartbeats",
        "abandoned_call_cancelled", "oneway_notify", "introspect_ping", "introspect_name", "introspect_list",
        "introspect_help",
        "introspect_help_undocumented", "introspect_args", "introspect_inspect",
    ]

/// `--stream`: countdown streams (0 items, a few, more than the 100-item credit window).
let streamClientChecks = ["stream_countdown_0", "stream_countdown_5", "stream_countdown_250"]

/// `--raw`: a bare DEALER sending what a stock client never does (checked last).
let rawClientChecks = [
    "raw_bin_message_id", "raw_str_message_id", "raw_int_message_id", "raw_request_without_delimiter",
    "raw_orphan_heartbeat_ignored", "raw_malformed_input_survived",
]

/// Runs the stock Python client's checks against `endpoint` and collects the report.
func runClientChecks(
    against endpoint: String, heartbeat: Duration, extraArguments: [String] = []
) async throws -> CheckReport {
    let client = try PythonPeer(
        script: "client_checks.py",
        arguments: [endpoint, "--heartbeat", heartbeat.secondsText, "--name", InteropFixture.serverName]
            + extraArguments
    )
    defer { client.stop() }
    let status = try await client.waitForExit(timeout: .seconds(120))
    return CheckReport(stdout: client.stdoutLines, exitStatus: status, stderr: client.stderrText)
}

/// Runs a check script (`deferred_checks.py`, `oneway_checks.py`: `SCRIPT ENDPOINT
/// --heartbeat S`) to its end and expects exactly `checks`, in order, each passing.
func expectChecksPass(
    script: String, against endpoint: String, checks: [String], sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let peer = try PythonPeer(
        script: script, arguments: [endpoint, "--heartbeat", InteropFixture.heartbeat.secondsText])
    defer { peer.stop() }
    let status = try await peer.waitForExit(timeout: .seconds(60))
    let report = CheckReport(stdout: peer.stdoutLines, exitStatus: status, stderr: peer.stderrText)
    #expect(report.lines.map(\.check) == checks, "\(report.stderrTail)", sourceLocation: sourceLocation)
    for check in checks { try report.expectPasses(check, sourceLocation: sourceLocation) }
}
