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
            malloc_count() -> int
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
            .stream("count", parameters: [.init(name: "n")], doc: "Streams 0..<n.", element: Int64.self) {
                arguments, stream, _ in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                for value in 0..<max(0, n) { try await stream.write(value) }
            },
            .unary("malloc_count", parameters: [], doc: "This process's heap allocations, -1 without the counter.") {
                arguments, _ in
                try arguments.finish()
                return MallocCounter.allocations.map { Int64(truncatingIfNeeded: $0) } ?? -1
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

    /// The server's allocation count, nil when it runs without the malloc counter.
    func serverMallocCount() async throws -> Int64? {
        let count = try await unary(
            "malloc_count", options: .defaults, declaredErrors: [],
            arguments: { writer in writer.writeArrayHeader(0) },
            result: { reader in try reader.readInt64() })
        return count >= 0 ? count : nil
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
