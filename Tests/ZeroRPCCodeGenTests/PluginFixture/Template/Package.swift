// swift-tools-version:6.1
// A user's package: one .rpc file, the plugin, the runtime. `check-plugin.sh` copies it
// to a temporary directory and points the dependency (and its identity) at this checkout.
import PackageDescription

let package = Package(
    name: "PluginFixture",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "ZERORPC_SWIFT_CHECKOUT")],
    targets: [
        .executableTarget(
            name: "App",
            dependencies: [.product(name: "ZeroRPC", package: "ZERORPC_SWIFT_IDENTITY")],
            plugins: [.plugin(name: "ZeroRPCGenerator", package: "ZERORPC_SWIFT_IDENTITY")]
        )
    ]
)
