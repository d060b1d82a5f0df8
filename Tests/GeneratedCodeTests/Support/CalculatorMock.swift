// The one hand-written `Calculator.ClientProtocol` mock the generated-code tests share.
import ZeroRPC

/// The smallest mock a user writes: every method answers from memory, and of the
/// @deferred `factor` only `startFactor` is written (the protocol extension supplies
/// `factor` and `resumeFactor`). `runningTotal()` is a local `Generator` running
/// `runningTotalBody`, so a generator mock behaves like the generated client.
struct CalculatorMock: Calculator.ClientProtocol {
    let runningTotalBody: @Sendable (GeneratorContext<Int64, Int64>) async throws -> Void

    init(runningTotal body: @escaping @Sendable (GeneratorContext<Int64, Int64>) async throws -> Void = { _ in }) {
        runningTotalBody = body
    }

    func add(a: Int64, b: Int64, options: CallOptions) async throws -> Int64 { a + b }
    func divide(a: Double, b: Double, options: CallOptions) async throws -> Double { a / b }
    func log(line: String, options: CallOptions) async throws {}
    func centroid(points: [Point], options: CallOptions) async throws -> Point { Point(x: 0, y: 0, meta: [:]) }
    func count(to: Int64, options: CallOptions) async throws -> ResponseStream<Int64> { ResponseStream(1...to) }
    func runningTotal(options: CallOptions) async throws -> ZeroRPC.Generator<Int64, Int64> {
        ZeroRPC.Generator(method: "calc.running_total", body: runningTotalBody)
    }
    func startFactor(n: Int64, options: CallOptions) async throws -> Deferred<[Int64]> {
        Deferred(result: n == 12 ? [2, 2, 3] : [n])
    }
}
