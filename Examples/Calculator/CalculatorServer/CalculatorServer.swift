import CalculatorAPI
import Foundation
import ZeroRPC

/// The calculator of `Schemas/calculator.rpc`: implement the generated protocol, register
/// it, bind, run.
struct MyCalculator: Calculator.Service {
    func add(a: Int64, b: Int64, context: ServerContext) async throws -> Int64 {
        a + b
    }

    func divide(a: Double, b: Double, context: ServerContext) async throws -> Double {
        guard b != 0 else { throw DivisionByZero(dividend: a) }
        return a / b
    }

    func log(line: String, context: ServerContext) async throws {
        FileHandle.standardOutput.write(Data("calculator-server: log(line: \(line.debugDescription))\n".utf8))
    }

    func centroid(points: [Point], context: ServerContext) async throws -> Point {
        guard !points.isEmpty else { return Point(x: 0, y: 0, label: "empty", meta: [:]) }
        let count = Double(points.count)
        return Point(
            x: points.map(\.x).reduce(0, +) / count,
            y: points.map(\.y).reduce(0, +) / count,
            label: "centroid",
            tags: points.compactMap(\.label),
            meta: ["points": Int64(points.count)])
    }

    func count(to: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        guard to >= 1 else { return }
        try await stream.write(contentsOf: 1...to)
    }

    /// Yields the sum of everything sent so far; a plain `next()` adds nothing.
    func runningTotal(generator: GeneratorContext<Int64, Int64>, context: ServerContext) async throws {
        var total: Int64 = 0
        while true {
            total += try await generator.yield(total) ?? 0
        }
    }

    /// Trial division: instant for small numbers, about a second for a product of two
    /// primes near 3 · 10^8, long enough to be deferred. Reports progress and stops when
    /// cancelled every 2^20 divisors.
    func factor(n: Int64, context: ServerContext) async throws -> [Int64] {
        var factors: [Int64] = []
        var rest = n
        var divisor: Int64 = 2
        var untilReport = 1 << 20
        while rest > 1 && divisor * divisor <= rest {
            while rest % divisor == 0 {
                factors.append(divisor)
                rest /= divisor
            }
            divisor += divisor == 2 ? 1 : 2
            untilReport -= 1
            if untilReport == 0 {
                untilReport = 1 << 20
                try Task.checkCancellation()
                let limit = Double(rest).squareRoot()
                await context.progress(Double(divisor) / limit, "trial division up to \(Int64(limit))")
            }
        }
        if rest > 1 { factors.append(rest) }
        return factors
    }
}

@main
struct CalculatorServerMain {
    static func main() async throws {
        let endpoint = CommandLine.arguments.dropFirst().first ?? "tcp://127.0.0.1:4242"
        let server = Server(name: "calculator")
        try server.register(MyCalculator())
        let bound = try server.bind(endpoint)
        FileHandle.standardOutput.write(Data("calculator-server: serving Calculator on \(bound)\n".utf8))
        try await server.run()
    }
}
