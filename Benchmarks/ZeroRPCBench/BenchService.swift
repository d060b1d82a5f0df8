import Foundation
import ZeroRPC

/// The methods every scenario calls, written against the runtime directly (the same
/// shape the code generator emits) so the harness measures the runtime, not codegen.
struct BenchService: RegistrableService {
    static var namespace: String? { nil }
    static var interfaceDefinition: String {
        """
        service Bench {
            add(a: int, b: int) -> int
            echo(payload: bytes) -> bytes
        }
        """
    }

    var methods: [ServiceMethod] {
        [
            .unary("add", parameters: [.init(name: "a"), .init(name: "b")], doc: "Adds two integers.") {
                arguments, _ in
                let a = try arguments.next(Int64.self, name: "a")
                let b = try arguments.next(Int64.self, name: "b")
                try arguments.finish()
                return a &+ b
            },
            .unary("echo", parameters: [.init(name: "payload")], doc: "Returns its argument.") { arguments, _ in
                let payload = try arguments.next(Data.self, name: "payload")
                try arguments.finish()
                return payload
            },
        ]
    }
}

extension Client {
    func add(_ a: Int64, _ b: Int64) async throws -> Int64 {
        try await unary(
            "add", options: .defaults, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(2)
                writer.write(a)
                writer.write(b)
            },
            result: { reader in try reader.readInt64() })
    }

    func echo(_ payload: Data) async throws -> Data {
        try await unary(
            "echo", options: .defaults, declaredErrors: [],
            arguments: { writer in
                writer.writeArrayHeader(1)
                writer.write(payload)
            },
            result: { reader in try reader.readBytes() })
    }
}
