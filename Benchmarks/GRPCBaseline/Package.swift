// swift-tools-version:6.1
// The grpc-swift-2 baseline of zerorpc-bench, in its own package so the main package
// never depends on gRPC. Built by `make grpc-baseline` (part of `make bench`), never by
// `make test`: gRPC takes minutes to compile.
import PackageDescription

let package = Package(
    name: "grpc-baseline",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", exact: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "grpc-baseline",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
            ]
        )
    ]
)
