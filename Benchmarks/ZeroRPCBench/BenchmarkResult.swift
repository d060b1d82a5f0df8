import Foundation

/// One implementation's figures for one scenario, as the median over the rounds.
struct BenchmarkResult: Codable {
    var scenario: String
    var implementation: String
    /// Calls (or items) per second.
    var throughput: Double
    var unit: String
    var p50Microseconds: Double?
    var p99Microseconds: Double?
    var rounds: Int
    /// Anything else worth reporting: peak RSS, allocations per call.
    var notes: [String: Double] = [:]
    /// Why this implementation has no figure (a baseline not built, a scenario not built yet).
    var missing: String?
}

/// Gathers each round's figures and reduces them to medians.
struct RoundCollector {
    private var rounds: [String: [(throughput: Double, p50: Double?, p99: Double?)]] = [:]
    private var order: [(scenario: String, implementation: String, unit: String)] = []
    private var missing: [String: String] = [:]
    private var notes: [String: [String: Double]] = [:]

    mutating func add(
        scenario: String, implementation: String, unit: String = "calls/s",
        throughput: Double, p50: Double? = nil, p99: Double? = nil
    ) {
        let key = scenario + "\u{0}" + implementation
        if rounds[key] == nil && missing[key] == nil { order.append((scenario, implementation, unit)) }
        rounds[key, default: []].append((throughput, p50, p99))
    }

    /// A row with no figure, saying why: printed loudly instead of silently left out.
    mutating func addMissing(scenario: String, implementation: String, reason: String) {
        let key = scenario + "\u{0}" + implementation
        if rounds[key] == nil && missing[key] == nil { order.append((scenario, implementation, "")) }
        missing[key] = reason
    }

    /// A figure beside the throughput (peak RSS, allocations per call); the last one wins.
    mutating func note(scenario: String, implementation: String, _ name: String, _ value: Double) {
        notes[scenario + "\u{0}" + implementation, default: [:]][name] = value
    }

    /// The median, lowest and highest over rounds of `implementation`'s throughput divided by `baseline`'s in
    /// the same round: steadier than the ratio of two medians when the machine's speed
    /// drifts between rounds.
    func roundRatios(
        scenario: String, _ implementation: String, over baseline: String
    ) -> (median: Double, lowest: Double, highest: Double)? {
        let ours = rounds[scenario + "\u{0}" + implementation] ?? []
        let theirs = rounds[scenario + "\u{0}" + baseline] ?? []
        let ratios = zip(ours, theirs).compactMap { $1.throughput > 0 ? $0.throughput / $1.throughput : nil }
        guard let lowest = ratios.min(), let highest = ratios.max() else { return nil }
        return (ratios.median, lowest, highest)
    }

    /// Medians, grouped by scenario in the order scenarios first ran, ours first.
    var results: [BenchmarkResult] {
        let scenarios = order.map(\.scenario).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let grouped = scenarios.flatMap { scenario in order.filter { $0.scenario == scenario } }
        return grouped.map { entry in
            let key = entry.scenario + "\u{0}" + entry.implementation
            let samples = rounds[key] ?? []
            let p50s = samples.compactMap(\.p50)
            let p99s = samples.compactMap(\.p99)
            return BenchmarkResult(
                scenario: entry.scenario, implementation: entry.implementation,
                throughput: samples.map(\.throughput).median, unit: entry.unit,
                p50Microseconds: p50s.isEmpty ? nil : p50s.median,
                p99Microseconds: p99s.isEmpty ? nil : p99s.median,
                rounds: samples.count, notes: notes[key] ?? [:], missing: samples.isEmpty ? missing[key] : nil)
        }
    }
}
