import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/calculator.rpc` implemented through the generated `Calculator.Service`.
struct CalculatorImplementation: Calculator.Service {
    /// Numbers from this one up are factored only once ``slowFactoring`` opens, so a test
    /// decides when a deferred `factor` finishes.
    static let slowFactoringThreshold: Int64 = 1000

    let logged = TestRecorder<String>()
    let slowFactoring = TestGate()
    /// Opens when a `running_total` handler has run its cleanup.
    let runningTotalEnded = TestGate()

    func add(a: Int64, b: Int64, context: ServerContext) async throws -> Int64 { a + b }

    func divide(a: Double, b: Double, context: ServerContext) async throws -> Double {
        guard b != 0 else { throw DivisionByZero(dividend: a) }
        return a / b
    }

    func log(line: String, context: ServerContext) async throws {
        logged.record(line)
    }

    func centroid(points: [Point], context: ServerContext) async throws -> Point {
        let count = Double(max(points.count, 1))
        return Point(
            x: points.map(\.x).reduce(0, +) / count, y: points.map(\.y).reduce(0, +) / count, label: "centroid",
            meta: ["count": Int64(points.count)])
    }

    func count(to: Int64, stream: StreamWriter<Int64>, context: ServerContext) async throws {
        guard to >= 1 else { return }
        try await stream.write(contentsOf: 1...to)
    }

    func runningTotal(generator: GeneratorContext<Int64, Int64>, context: ServerContext) async throws {
        defer { runningTotalEnded.open() }
        var total: Int64 = 0
        while true {
            total += try await generator.yield(total) ?? 0
        }
    }

    func factor(n: Int64, context: ServerContext) async throws -> [Int64] {
        if n >= Self.slowFactoringThreshold {
            await context.progress(0.5, "waiting for the test")
            await slowFactoring.wait()
        }
        var factors: [Int64] = []
        var rest = n
        var divisor: Int64 = 2
        while rest > 1 && divisor * divisor <= rest {
            while rest % divisor == 0 {
                factors.append(divisor)
                rest /= divisor
            }
            divisor += 1
        }
        if rest > 1 { factors.append(rest) }
        return factors
    }
}
