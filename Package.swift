// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "zerorpc-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZeroRPC", targets: ["ZeroRPC"]),
        .library(name: "ZeroRPCPostgres", targets: ["ZeroRPCPostgres"]),
        .library(name: "ZeroRPCSQLite", targets: ["ZeroRPCSQLite"]),
        .library(name: "ZeroRPCSchema", targets: ["ZeroRPCSchema"]),
        .library(name: "ZeroRPCCodeGen", targets: ["ZeroRPCCodeGen"]),
        .executable(name: "zerorpc-gen", targets: ["zerorpc-gen"]),
        .executable(name: "zerorpc", targets: ["zerorpc"]),
        .plugin(name: "ZeroRPCGenerator", targets: ["ZeroRPCGenerator"]),
        // Integrations (issue 14): products of their own, so the core stays small.
        .library(name: "ZeroRPCServiceLifecycle", targets: ["ZeroRPCServiceLifecycle"]),
        .library(name: "ZeroRPCTracing", targets: ["ZeroRPCTracing"]),
        .library(name: "ZeroRPCMetrics", targets: ["ZeroRPCMetrics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Integrations (issue 14); only their own products depend on these.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // C libraries from Debian (libzmq3-dev, libmsgpack-dev, libsqlite3-dev).
        .systemLibrary(
            name: "CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .systemLibrary(
            name: "CMessagePack",
            pkgConfig: "msgpack",
            providers: [.apt(["libmsgpack-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // The runtime.
        .target(
            name: "ZeroRPC",
            // No CMessagePack: the runtime's MessagePack is pure Swift (Wire/); the C library
            // stays for LinkageTests and the fuzz build, which compare against it.
            dependencies: [
                "CZeroMQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The SQLite result store: the only user of libsqlite3, so the core does not link it.
        .target(
            name: "ZeroRPCSQLite",
            dependencies: ["ZeroRPC", "CSQLite", .product(name: "Logging", package: "swift-log")]
        ),

        // The PostgreSQL result store: a product of its own so the core never links SwiftNIO.
        .target(
            name: "ZeroRPCPostgres",
            dependencies: [
                "ZeroRPC",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The interface language and the code generator: pure Swift, no runtime.
        .target(name: "ZeroRPCSchema"),
        .target(name: "ZeroRPCCodeGen", dependencies: ["ZeroRPCSchema"]),
        .executableTarget(
            name: "zerorpc-gen",
            dependencies: [
                "ZeroRPCSchema",
                "ZeroRPCCodeGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The `zerorpc` command-line tool: call / stream / inspect / ping a live server,
        // keygen, broker. Uses the schema module to check arguments against a server's IDL.
        .executableTarget(
            name: "zerorpc",
            dependencies: [
                "ZeroRPC", "ZeroRPCSchema", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .plugin(
            name: "ZeroRPCGenerator",
            capability: .buildTool(),
            dependencies: ["zerorpc-gen"]
        ),

        // Integrations (issue 14, docs/PRODUCTION.md).
        .target(
            name: "ZeroRPCServiceLifecycle",
            dependencies: ["ZeroRPC", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .target(
            name: "ZeroRPCTracing",
            dependencies: ["ZeroRPC", .product(name: "Tracing", package: "swift-distributed-tracing")]
        ),
        .target(
            name: "ZeroRPCMetrics",
            dependencies: ["ZeroRPC", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),

        .executableTarget(
            name: "zerorpc-bench",
            dependencies: [
                "ZeroRPC", "ZeroRPCPostgres", "ZeroRPCSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // issue 14: `serve`/`client --observability` measure the metrics interceptors.
                "ZeroRPCMetrics", .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            path: "Benchmarks/ZeroRPCBench",
            plugins: [.plugin(name: "ZeroRPCGenerator")]
        ),

        // Examples/Calculator: what a user writes, built by CI and run by `make demo`.
        .target(
            name: "CalculatorAPI",
            dependencies: ["ZeroRPC"],
            path: "Examples/Calculator/CalculatorAPI",
            plugins: [.plugin(name: "ZeroRPCGenerator")]
        ),
        .executableTarget(
            name: "calculator-server",
            dependencies: ["CalculatorAPI"],
            path: "Examples/Calculator/CalculatorServer"
        ),
        .executableTarget(
            name: "calculator-client",
            dependencies: ["CalculatorAPI"],
            path: "Examples/Calculator/CalculatorClient"
        ),

        .testTarget(name: "ZeroRPCSchemaTests", dependencies: ["ZeroRPCSchema", "ZeroRPCTestSupport"]),
        .testTarget(
            name: "ZeroRPCCodeGenTests",
            dependencies: ["ZeroRPCCodeGen", "ZeroRPCSchema", "ZeroRPCTestSupport"],
            exclude: ["Golden", "PluginFixture"]
        ),
        // Test helpers the runtime and generated-code tests share; only test targets use it.
        .target(name: "ZeroRPCTestSupport", dependencies: ["ZeroRPC"], path: "Tests/ZeroRPCTestSupport"),
        .testTarget(
            name: "ZeroRPCTests",
            dependencies: [
                "ZeroRPC", "ZeroRPCTestSupport", "ZeroRPCPostgres", "ZeroRPCSQLite", "CSQLite", "CMessagePack",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["Fixtures"],
            // Schemas/*.rpc: the stream, generator and deferred tests call generated code,
            // not hand-copied stubs (issue 16).
            plugins: [.plugin(name: "ZeroRPCGenerator")]),
        // Code generated by the plugin from Schemas/ (linked in), called end to end.
        .testTarget(
            name: "GeneratedCodeTests",
            dependencies: ["ZeroRPC", "ZeroRPCTestSupport"],
            plugins: [.plugin(name: "ZeroRPCGenerator")]
        ),
        .testTarget(name: "InteropTests", dependencies: ["ZeroRPC", "ZeroRPCTestSupport"], exclude: ["python"]),
        // Streams closed from an executable's top-level code, for StreamCloseTests.
        .executableTarget(
            name: "zerorpc-stream-close-check",
            dependencies: ["ZeroRPC", "ZeroRPCTestSupport"],
            path: "Tests/StreamCloseCheck"
        ),
        // The integrations, against real servers (and a ServiceGroup in a child process).
        .testTarget(
            name: "ZeroRPCIntegrationTests",
            dependencies: [
                "ZeroRPC", "ZeroRPCTestSupport", "ZeroRPCTracing", "ZeroRPCMetrics", "ZeroRPCServiceLifecycle",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "zerorpc-lifecycle-test-server",
            dependencies: [
                "ZeroRPC", "ZeroRPCServiceLifecycle",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/LifecycleTestServer"
        ),
        // A server in a process of its own, for the deferred tests that need two processes.
        .executableTarget(
            name: "zerorpc-deferred-test-server",
            dependencies: ["ZeroRPC", "ZeroRPCTestSupport", "ZeroRPCPostgres", "ZeroRPCSQLite"],
            path: "Tests/DeferredTestServer"
        ),
        // A generated-code server in a process of its own, for the CLI and broker tests.
        .executableTarget(
            name: "zerorpc-ops-test-server",
            dependencies: ["ZeroRPC", "ZeroRPCTestSupport"],
            path: "Tests/OpsTestServer",
            plugins: [.plugin(name: "ZeroRPCGenerator")]
        ),
        // issue 17, `make faults`: servers and clients in processes of their own, killed
        // (SIGKILL), restarted and run eight at once by ZeroRPCFaultTests.
        .executableTarget(
            name: "zerorpc-fault-test-peer",
            dependencies: ["ZeroRPC", "ZeroRPCTestSupport"],
            path: "Tests/FaultTestPeer"
        ),
        .testTarget(name: "ZeroRPCFaultTests", dependencies: ["ZeroRPC", "ZeroRPCTestSupport"]),
    ]
)
