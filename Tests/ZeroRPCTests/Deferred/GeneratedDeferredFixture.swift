import ZeroRPC

// The `@deferred factor` parts of Tests/ZeroRPCCodeGenTests/Golden/calculator.swift,
// copied verbatim (namespace renamed), so the runtime's deferred tests exercise exactly
// the shapes the generator emits.
public enum GeneratedFactoring {
    public protocol Service: ZeroRPC.RegistrableService {
        func factor(n: Int64, context: ZeroRPC.ServerContext) async throws -> [Int64]
    }

    public protocol ClientProtocol: Sendable {
        func factor(n: Int64, options: ZeroRPC.CallOptions) async throws -> [Int64]

        /// Starts `factor` and returns a handle to poll or await; its token works from any process.
        func startFactor(n: Int64, options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Deferred<[Int64]>

        /// Picks up a `factor` call started elsewhere, by its token.
        func resumeFactor(token: ZeroRPC.DeferredToken) -> ZeroRPC.Deferred<[Int64]>
    }

    public struct Client: ClientProtocol {
        public let client: ZeroRPC.Client

        public init(_ client: ZeroRPC.Client) {
            self.client = client
        }

        public func factor(n: Int64, options: ZeroRPC.CallOptions) async throws -> [Int64] {
            try await startFactor(n: n, options: options).value
        }

        /// Starts `factor` and returns a handle to poll or await; its token works from any process.
        public func startFactor(n: Int64, options: ZeroRPC.CallOptions) async throws -> ZeroRPC.Deferred<[Int64]> {
            try await self.client.startDeferred(
                "calc.factor", options: options, declaredErrors: [],
                arguments: { writer in
                    writer.writeArrayHeader(1)
                    writer.write(n)
                },
                result: { reader in try reader.read([Int64].self) }
            )
        }

        /// Picks up a `factor` call started elsewhere, by its token.
        public func resumeFactor(token: ZeroRPC.DeferredToken) -> ZeroRPC.Deferred<[Int64]> {
            self.client.resumeDeferred(
                token, declaredErrors: [],
                result: { reader in try reader.read([Int64].self) }
            )
        }
    }
}

extension GeneratedFactoring.Service {
    public static var namespace: String? { "calc" }

    public static var interfaceDefinition: String {
        "service Factoring {\n    @deferred factor(n: int) -> [int]\n}"
    }

    public var methods: [ZeroRPC.ServiceMethod] {
        [
            .unary("factor", parameters: [.init(name: "n")], doc: nil) { arguments, context in
                let n = try arguments.next(Int64.self, name: "n")
                try arguments.finish()
                return try await self.factor(n: n, context: context)
            }
        ]
    }
}

extension GeneratedFactoring.ClientProtocol {
    public func factor(n: Int64) async throws -> [Int64] {
        try await factor(n: n, options: .defaults)
    }

    /// Starts `factor` and returns a handle to poll or await; its token works from any process.
    public func startFactor(n: Int64) async throws -> ZeroRPC.Deferred<[Int64]> {
        try await startFactor(n: n, options: .defaults)
    }
}
