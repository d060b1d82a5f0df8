import Foundation

/// One implementation's figures for one scenario: medians over the rounds, and the
/// per-round ratios that compare it with the other rows of its scenario.
struct BenchmarkResult: Codable {
    var scenario: String
    var implementation: String
    /// How the row is compared: see `RowRole`.
    var role: RowRole = .baseline
    /// Calls (or items, or events) per second.
    var throughput: Double
    var unit: String
    var p50Microseconds: Double?
    var p99Microseconds: Double?
    var rounds: Int
    /// For a baseline row: zerorpc-swift's throughput ÷ this row's, round by round. For a
    /// variant row (another mode of ours): this row's ÷ each baseline's. Empty for the
    /// reference row and for scenarios without one.
    var ratios: [RoundRatio] = []
    /// Anything else worth reporting: peak RSS, allocations per call.
    var notes: [String: Double] = [:]
    /// Why this implementation has no figure (a baseline not built, a scenario not built yet).
    var missing: String?
}

/// Which side of a comparison a row is on.
enum RowRole: String, Codable {
    /// zerorpc-swift in its default configuration: what every baseline is compared with.
    case reference
    /// Another configuration of ours (the I/O-thread executor, a cross row of the stream
    /// scenario): compared with each baseline itself, not with the reference row.
    case variant
    /// A program we measure ourselves against (or, for scenario 7, the plain call).
    case baseline

    /// The role a row's name implies: `zerorpc-swift` is the reference, `zerorpc-swift, …`
    /// a variant, anything else a baseline.
    init(implementation: String) {
        if implementation == Report.ourName {
            self = .reference
        } else if implementation.hasPrefix(Report.ourName + ",") {
            self = .variant
        } else {
            self = .baseline
        }
    }
}

/// Throughput ratios of two rows measured in the same rounds: the median, lowest and
/// highest over the rounds both ran in. Steadier than a ratio of two medians when the
/// machine's speed drifts between rounds, and the spread says how much to trust it.
struct RoundRatio: Codable {
    /// The row this one is compared with (the denominator for a variant row, the
    /// numerator's counterpart for a baseline row).
    var against: String
    var median: Double
    var lowest: Double
    var highest: Double
    var rounds: Int
}

/// Gathers each round's figures and reduces them to medians and per-round ratios.
struct RoundCollector {
    private struct Sample {
        var round: Int
        var throughput: Double
        var p50: Double?
        var p99: Double?
    }

    private struct Row {
        var scenario: String
        var implementation: String
        var unit: String
        var role: RowRole
    }

    private var rounds: [String: [Sample]] = [:]
    private var order: [Row] = []
    private var missing: [String: String] = [:]
    private var notes: [String: [String: Double]] = [:]
    /// The round the next samples belong to; ratios pair samples of the same round.
    private(set) var round = 1

    /// Starts round `number`: samples added from now on are paired with each other.
    mutating func beginRound(_ number: Int) {
        round = number
    }

    private static func key(_ scenario: String, _ implementation: String) -> String {
        scenario + "\u{0}" + implementation
    }

    private mutating func register(_ scenario: String, _ implementation: String, unit: String, role: RowRole?) {
        let key = Self.key(scenario, implementation)
        guard rounds[key] == nil && missing[key] == nil else { return }
        order.append(
            Row(
                scenario: scenario, implementation: implementation, unit: unit,
                role: role ?? RowRole(implementation: implementation)))
    }

    mutating func add(
        scenario: String, implementation: String, role: RowRole? = nil, unit: String = "calls/s",
        throughput: Double, p50: Double? = nil, p99: Double? = nil
    ) {
        register(scenario, implementation, unit: unit, role: role)
        rounds[Self.key(scenario, implementation), default: []].append(
            Sample(round: round, throughput: throughput, p50: p50, p99: p99))
    }

    mutating func add(_ figure: RoundFigure) {
        add(
            scenario: figure.scenario, implementation: figure.implementation, role: figure.role,
            unit: figure.unit, throughput: figure.throughput, p50: figure.p50, p99: figure.p99)
    }

    /// A row with no figure, saying why: printed loudly instead of silently left out.
    mutating func addMissing(scenario: String, implementation: String, reason: String) {
        register(scenario, implementation, unit: "", role: nil)
        missing[Self.key(scenario, implementation)] = reason
    }

    /// A figure beside the throughput (peak RSS, allocations per call); the last one wins.
    mutating func note(scenario: String, implementation: String, _ name: String, _ value: Double) {
        notes[Self.key(scenario, implementation), default: [:]][name] = value
    }

    /// The median, lowest and highest over rounds of `implementation`'s throughput divided
    /// by `baseline`'s in the same round; nil when they never ran in the same round.
    func roundRatios(scenario: String, _ implementation: String, over baseline: String) -> RoundRatio? {
        let theirs = Dictionary(
            (rounds[Self.key(scenario, baseline)] ?? []).map { ($0.round, $0.throughput) },
            uniquingKeysWith: { first, _ in first })
        let ratios = (rounds[Self.key(scenario, implementation)] ?? []).compactMap { sample -> Double? in
            guard let other = theirs[sample.round], other > 0 else { return nil }
            return sample.throughput / other
        }
        guard let lowest = ratios.min(), let highest = ratios.max() else { return nil }
        return RoundRatio(
            against: baseline, median: ratios.median, lowest: lowest, highest: highest, rounds: ratios.count)
    }

    /// The per-round ratios a row shows: a baseline against the scenario's reference row,
    /// a variant against each baseline of its scenario.
    private func ratios(for row: Row) -> [RoundRatio] {
        let scenarioRows = order.filter { $0.scenario == row.scenario }
        switch row.role {
        case .reference:
            return []
        case .baseline:
            guard let reference = scenarioRows.first(where: { $0.role == .reference }),
                var ratio = roundRatios(scenario: row.scenario, reference.implementation, over: row.implementation)
            else { return [] }
            ratio.against = reference.implementation
            return [ratio]
        case .variant:
            return scenarioRows.filter { $0.role == .baseline }.compactMap {
                roundRatios(scenario: row.scenario, row.implementation, over: $0.implementation)
            }
        }
    }

    /// Medians and ratios, grouped by scenario in the order scenarios first ran, each
    /// scenario's rows in the order they were first added.
    var results: [BenchmarkResult] {
        let scenarios = order.map(\.scenario).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let grouped = scenarios.flatMap { scenario in order.filter { $0.scenario == scenario } }
        return grouped.map { row in
            let key = Self.key(row.scenario, row.implementation)
            let samples = rounds[key] ?? []
            let p50s = samples.compactMap(\.p50)
            let p99s = samples.compactMap(\.p99)
            return BenchmarkResult(
                scenario: row.scenario, implementation: row.implementation, role: row.role,
                throughput: samples.map(\.throughput).median, unit: row.unit,
                p50Microseconds: p50s.isEmpty ? nil : p50s.median,
                p99Microseconds: p99s.isEmpty ? nil : p99s.median,
                rounds: samples.count, ratios: ratios(for: row), notes: notes[key] ?? [:],
                missing: samples.isEmpty ? missing[key] : nil)
        }
    }
}

/// One implementation's figure for one scenario in one round, before it reaches the
/// collector: what a step of an alternating round returns.
struct RoundFigure {
    var scenario: String
    var implementation: String
    var role: RowRole? = nil
    var unit: String = "calls/s"
    var throughput: Double
    var p50: Double? = nil
    var p99: Double? = nil
}

/// Runs one round's steps (each measures one implementation, in one or more scenarios)
/// forwards in odd rounds and backwards in even ones, so no implementation always runs
/// first (on a cold machine) or last (after the others heated it); returns their
/// measurements in the steps' own order, so the report's rows keep a fixed order.
func alternating(round: Int, _ steps: [() async throws -> [RoundFigure]]) async throws -> [RoundFigure] {
    var measured = [[RoundFigure]](repeating: [], count: steps.count)
    let indices = round.isMultiple(of: 2) ? Array(steps.indices.reversed()) : Array(steps.indices)
    for index in indices { measured[index] = try await steps[index]() }
    return measured.flatMap { $0 }
}
