import ZeroRPC
import ZeroRPCTestSupport

/// `Schemas/calculator.rpc` implemented through the generated `Calculator.Service`.
struct CalculatorImplementation: Calculator.Service {
    /// `factor`: numbers from 1000 up are factored only once ``slowFactoring`` opens, so a
    /// test decides when a deferred `factor` finishes.
    let factoring = GatedFactoring()
    var slowFactoring: TestGate { factoring.release }

    let logged = TestRecorder<String>()
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
        await factoring.factor(n, context: context)
    }
}
