import CalculatorAPI
import Foundation
import ZeroRPC

/// Calls every kind of method of `Schemas/calculator.rpc` through the generated client.
@main
struct CalculatorClientMain {
    static func main() async throws {
        let endpoint = CommandLine.arguments.dropFirst().first ?? "tcp://127.0.0.1:4242"
        let connection = try Client(connect: [endpoint])
        let calculator = Calculator.Client(connection)

        let sum = try await calculator.add(a: 2, b: 40)
        print("add(a: 2, b: 40)            = \(sum)")

        let quotient = try await calculator.divide(a: 1, b: 8)
        print("divide(a: 1, b: 8)          = \(quotient)")

        do {
            _ = try await calculator.divide(a: 3, b: 0)
        } catch let error as DivisionByZero {
            print("divide(a: 3, b: 0)          threw DivisionByZero(dividend: \(error.dividend))")
        }

        let middle = try await calculator.centroid(points: [
            Point(x: 0, y: 0, label: "a", meta: [:]),
            Point(x: 4, y: 2, label: "b", meta: [:]),
        ])
        print("centroid([(0,0), (4,2)])    = (\(middle.x), \(middle.y)) \(middle.label ?? "") \(middle.meta)")

        let factors = try await calculator.factor(n: 360_360)
        print("factor(n: 360360)           = \(factors)")

        let counted = try await calculator.count(to: 5) { stream in
            var counted: [Int64] = []
            for try await number in stream { counted.append(number) }
            return counted
        }
        print("count(to: 5)                streamed \(counted)")

        let totals = try await calculator.runningTotal()
        var steps = ["next() -> \(try await totals.next() ?? 0)"]
        for value: Int64 in [5, 10, -3] {
            steps.append("send(\(value)) -> \(try await totals.send(value) ?? 0)")
        }
        await totals.close()
        print("runningTotal()              \(steps.joined(separator: ", "))")

        try await factorDeferred(calculator, n: 299_999_977 * 300_000_007)

        try await calculator.log(line: "hello from the client")
        print("log(line:)                  accepted (one-way)")

        let methods = try await connection.call("_zerorpc_list", [])
        print("_zerorpc_list()             = \(methods)")

        await connection.close()
    }

    /// `startFactor` on a number that takes about a second: the call comes back after the
    /// default 100 ms budget with a token, which any process could use to ask for the
    /// status or the result.
    static func factorDeferred(_ calculator: Calculator.Client, n: Int64) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let job = try await calculator.startFactor(n: n)
        print("startFactor(n: \(n))")
        print("  token                     \(job.token.map { "\($0)" } ?? "none (finished within the budget)")")
        print("  status()                  \(describe(try await job.status()))")
        let factors = try await job.value
        let elapsed = (clock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print("  value                     = \(factors) after \(String(format: "%.1f", seconds)) s")
    }

    private static func describe(_ status: DeferredStatus) -> String {
        guard case .running(let progress, let message) = status else { return "\(status)" }
        let percent = progress.map { "\(Int($0 * 100))%" } ?? "?"
        return "running, \(percent), \(message ?? "")"
    }
}
