import ArgumentParser
import Foundation

/// `zerorpc-bench check-report`: the report's arithmetic on figures with known answers —
/// ratios paired by round (not by position), a baseline row against the reference row, a
/// variant row against each baseline, the order `alternating` runs steps in. It runs in
/// `make test` (the harness is an executable, outside the test targets); a wrong ratio in
/// the table would otherwise go unnoticed until someone redid the division by hand.
struct CheckReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-report", abstract: "Check the report's per-round ratios on known figures; exit 1 if wrong.")

    func run() async throws {
        var failures: [String] = []
        func expect(_ condition: Bool, _ what: String) {
            if !condition { failures.append(what) }
        }
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

        // Steps run forwards in odd rounds, backwards in even ones; results keep step order.
        var ran: [Int] = []
        for round in 1...2 {
            var steps: [() async throws -> [RoundFigure]] = []
            for index in 0..<3 {
                steps.append { () async throws -> [RoundFigure] in
                    ran.append(index)
                    return [RoundFigure(scenario: "s", implementation: "\(index)", throughput: Double(index))]
                }
            }
            let figures = try await alternating(round: round, steps)
            expect(figures.map(\.implementation) == ["0", "1", "2"], "alternating reorders the results")
        }
        expect(ran == [0, 1, 2, 2, 1, 0], "alternating ran \(ran), expected [0, 1, 2, 2, 1, 0]")

        // Three rounds; the baseline is missing from round 2, so pairing by position would
        // divide round 3's figure by round 2's.
        var collector = RoundCollector()
        let ours: [Int: Double] = [1: 100, 2: 50, 3: 90]
        let baseline: [Int: Double] = [1: 200, 3: 100]
        let variant: [Int: Double] = [1: 150, 2: 10, 3: 30]
        for round in 1...3 {
            collector.beginRound(round)
            collector.add(scenario: "s", implementation: Report.ourName, throughput: ours[round]!)
            collector.add(scenario: "s", implementation: Report.ourName + ", other mode", throughput: variant[round]!)
            if let figure = baseline[round] {
                collector.add(scenario: "s", implementation: "C", throughput: figure)
            }
            collector.add(scenario: "t", implementation: "stores only", throughput: 1)
        }
        let results = collector.results
        let reference = results.first { $0.implementation == Report.ourName }
        let c = results.first { $0.implementation == "C" }
        let other = results.first { $0.implementation == Report.ourName + ", other mode" }
        expect(reference?.role == .reference && reference?.ratios.isEmpty == true, "the reference row has ratios")
        expect(close(reference?.throughput, 90), "median throughput of 100, 50, 90 is not 90")
        // ours ÷ C per round: 0.5 (round 1), 0.9 (round 3).
        let cRatio = c?.ratios.first
        expect(c?.role == .baseline && c?.ratios.count == 1, "the baseline row has not exactly one ratio")
        expect(cRatio?.against == Report.ourName, "the baseline's ratio is not against the reference")
        expect(cRatio?.rounds == 2, "the baseline's ratio did not pair exactly rounds 1 and 3")
        expect(close(cRatio?.median, 0.7) && close(cRatio?.lowest, 0.5) && close(cRatio?.highest, 0.9), "ours ÷ C")
        // other mode ÷ C per round: 0.75, 0.3 — against the baseline, not against our row.
        let otherRatio = other?.ratios.first
        expect(other?.role == .variant && other?.ratios.count == 1, "the variant row is not compared with C alone")
        expect(otherRatio?.against == "C", "the variant's ratio is not against C")
        expect(close(otherRatio?.lowest, 0.3) && close(otherRatio?.highest, 0.75), "other mode ÷ C")
        expect(
            results.first { $0.implementation == "stores only" }?.ratios.isEmpty == true,
            "a scenario without a reference row shows ratios")
        let cell = c.map(Report.ratioCell(for:))
        expect(cell == "0.70x (0.50–0.90)", "the baseline's cell reads \(cell ?? "nil")")

        guard failures.isEmpty else {
            for failure in failures { benchLog("check-report: \(failure)") }
            throw ExitCode.failure
        }
        print("check-report: ok")
    }
}
