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

        try await calculator.log(line: "hello from the client")
        print("log(line:)                  accepted (one-way)")

        let methods = try await connection.call("_zerorpc_list", [])
        print("_zerorpc_list()             = \(methods)")

        await connection.close()
    }
}
