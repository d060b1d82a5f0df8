// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "zerorpc-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ZeroRPC", targets: ["ZeroRPC"]),
        .library(name: "ZeroRPCSchema", targets: ["ZeroRPCSchema"]),
        .library(name: "ZeroRPCCodeGen", targets: ["ZeroRPCCodeGen"]),
        .executable(name: "zerorpc-gen", targets: ["zerorpc-gen"]),
        .plugin(name: "ZeroRPCGenerator", targets: ["ZeroRPCGenerator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
            dependencies: [
                "CZeroMQ",
                "CMessagePack",
                "CSQLite",
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
        .plugin(
            name: "ZeroRPCGenerator",
            capability: .buildTool(),
            dependencies: ["zerorpc-gen"]
        ),

        .testTarget(name: "ZeroRPCSchemaTests", dependencies: ["ZeroRPCSchema"]),
        .testTarget(name: "ZeroRPCCodeGenTests", dependencies: ["ZeroRPCCodeGen", "ZeroRPCSchema"]),
        .testTarget(name: "ZeroRPCTests", dependencies: ["ZeroRPC"], exclude: ["Fixtures"]),
        .testTarget(name: "InteropTests", dependencies: ["ZeroRPC"], exclude: ["python"]),
    ]
)
