import Foundation

/// Renders results as a Markdown table (stdout, docs/PERFORMANCE.md) and as JSON.
struct Report: Codable {
    static let ourName = "zerorpc-swift"

    var command: String
    var date: String
    var machine: String
    var results: [BenchmarkResult]

    /// The ratio cell of a row: per-round ratios, median (lowest–highest). A baseline row
    /// shows zerorpc-swift ÷ it; a variant row (another mode of ours) shows itself ÷ each
    /// baseline of its scenario, named; the reference row shows none.
    static func ratioCell(for result: BenchmarkResult) -> String {
        guard !result.ratios.isEmpty else { return "—" }
        func format(_ ratio: RoundRatio) -> String {
            let median = String(format: "%.2fx", ratio.median)
            guard ratio.rounds > 1 else { return median }
            return median + String(format: " (%.2f–%.2f)", ratio.lowest, ratio.highest)
        }
        if result.role == .variant {
            return result.ratios.map { "÷ \($0.against): \(format($0))" }.joined(separator: "; ")
        }
        return result.ratios.map(format).joined(separator: "; ")
    }

    var markdown: String {
        var lines = [
            "| scenario | implementation | throughput | p50 µs | p99 µs "
                + "| zerorpc-swift ÷ this, per round: median (lowest–highest) |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for result in results {
            if let missing = result.missing {
                lines.append("| \(result.scenario) | \(result.implementation) | **not measured: \(missing)** | | | |")
                continue
            }
            lines.append(
                "| \(result.scenario) | \(result.implementation) | \(format(result.throughput)) \(result.unit) "
                    + "| \(result.p50Microseconds.map { String(format: "%.1f", $0) } ?? "—") "
                    + "| \(result.p99Microseconds.map { String(format: "%.1f", $0) } ?? "—") "
                    + "| \(Self.ratioCell(for: result)) |")
        }
        if results.contains(where: { $0.role == .variant && !$0.ratios.isEmpty }) {
            lines.append("")
            lines.append(
                "Rows of another mode of ours (\"zerorpc-swift, …\", and the stream's cross rows) show "
                    + "this ÷ each named baseline, per round.")
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
