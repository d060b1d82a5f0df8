import Foundation

/// Renders results as a Markdown table (stdout, docs/PERFORMANCE.md) and as JSON.
struct Report: Codable {
    static let ourName = "zerorpc-swift"

    var command: String
    var date: String
    var machine: String
    var results: [BenchmarkResult]

    /// Our throughput divided by `result`'s, for the same scenario; nil for our own rows.
    func ratio(for result: BenchmarkResult) -> Double? {
        guard result.implementation != Self.ourName,
            let ours = results.first(where: { $0.scenario == result.scenario && $0.implementation == Self.ourName }),
            result.throughput > 0
        else { return nil }
        return ours.throughput / result.throughput
    }

    var markdown: String {
        var lines = [
            "| scenario | implementation | throughput | p50 µs | p99 µs | zerorpc-swift ÷ this |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for result in results {
            if let missing = result.missing {
                lines.append("| \(result.scenario) | \(result.implementation) | **not measured: \(missing)** | | | |")
                continue
            }
            let ratio = ratio(for: result).map { String(format: "%.2fx", $0) } ?? "—"
            lines.append(
                "| \(result.scenario) | \(result.implementation) | \(format(result.throughput)) \(result.unit) "
                    + "| \(result.p50Microseconds.map { String(format: "%.1f", $0) } ?? "—") "
                    + "| \(result.p99Microseconds.map { String(format: "%.1f", $0) } ?? "—") | \(ratio) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The figures beside the throughputs (allocations per call, peak RSS), one per line.
    var notes: String {
        results.flatMap { result in
            result.notes.sorted { $0.key < $1.key }.map { name, value in
                "- \(result.scenario), \(result.implementation): \(name) \(String(format: value < 10 ? "%.2f" : "%.1f", value))"
            }
        }.joined(separator: "\n")
    }

    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    private func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static func describeMachine() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        return "\(cores) cores, \(String(format: "%.0f", memory)) GiB, \(model ?? "unknown CPU"), Linux"
    }
}
