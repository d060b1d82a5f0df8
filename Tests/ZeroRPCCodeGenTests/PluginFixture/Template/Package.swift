// swift-tools-version:6.1
// A user's package, as the README tells one to write it: one .rpc file, the plugin, the
// runtime, and the service-lifecycle, tracing and metrics integrations. `check-plugin.sh`
// copies it to a temporary directory beside a link `zerorpc-swift` to this checkout.
import PackageDescription

let package = Package(
    name: "PluginFixture",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../zerorpc-swift"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "App",
            dependencies: [
                .product(name: "ZeroRPC", package: "zerorpc-swift"),
                .product(name: "ZeroRPCServiceLifecycle", package: "zerorpc-swift"),
                .product(name: "ZeroRPCTracing", package: "zerorpc-swift"),
                .product(name: "ZeroRPCMetrics", package: "zerorpc-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            plugins: [.plugin(name: "ZeroRPCGenerator", package: "zerorpc-swift")]
        )
    ]
)
