// swift-tools-version:6.0
// atlas-certs: a terminal browser and scripting tool for MongoDB Atlas-managed X.509 certificates.
import PackageDescription

let package = Package(
    name: "atlas-certs",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "atlas-certs", targets: ["atlas-certs"]),
        .executable(name: "atlas-sim", targets: ["atlas-sim"]),
        .executable(name: "atlas-certs-bench", targets: ["atlas-certs-bench"]),
        .library(name: "AtlasAPI", targets: ["AtlasAPI"]),
        .library(name: "AtlasSimulator", targets: ["AtlasSimulator"]),
        // For the fuzz package (Fuzz/Package.swift), which feeds their parsers.
        .library(name: "CertBrowser", targets: ["CertBrowser"]),
        .library(name: "NcursesTerminal", targets: ["NcursesTerminal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The shared API core: models, auth, HTTP, pagination, errors. No terminal code.
        .target(
            name: "AtlasAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // The Prometheus exporter's pure part: a snapshot of the last scan rendered as text exposition.
        .target(
            name: "AtlasExporter",
            dependencies: [
                "AtlasAPI",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A real HTTP server on 127.0.0.1 that behaves like Atlas for our endpoints.
        .target(
            name: "AtlasSimulator",
            dependencies: [
                "AtlasAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The terminal UI core: state, reducer, tables, rendering into a cell grid. Pure.
        .target(
            name: "CertBrowser",
            dependencies: ["AtlasAPI"]
        ),
        // ncursesw for Swift: feature macros and static inline wrappers for what Swift cannot import.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: nil,
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        // The terminal adapter: the only code that imports CNcursesw. Paints a Canvas, reads keys, copies.
        .target(
            name: "NcursesTerminal",
            dependencies: ["CNcursesw", "CertBrowser", "AtlasAPI"]
        ),
        .executableTarget(
            name: "atlas-certs",
            dependencies: [
                "AtlasAPI",
                "AtlasExporter",
                "AtlasSimulator",
                "CertBrowser",
                "NcursesTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "atlas-sim",
            dependencies: [
                "AtlasSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (docs/benchmarks.md): scan speed, decoding, sort/filter, render, pty bytes, memory.
        .executableTarget(
            name: "atlas-certs-bench",
            dependencies: [
                "AtlasAPI",
                "AtlasExporter",
                "AtlasSimulator",
                "CertBrowser",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "AtlasAPITests",
            dependencies: ["AtlasAPI", "AtlasSimulator"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "AtlasSimulatorTests",
            dependencies: [
                "AtlasAPI", "AtlasSimulator",
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "CertBrowserTests",
            dependencies: ["CertBrowser", "AtlasAPI"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "NcursesTerminalTests",
            dependencies: ["NcursesTerminal", "CertBrowser"]
        ),
        .testTarget(
            name: "AtlasExporterTests",
            dependencies: [
                "AtlasExporter", "AtlasAPI", "AtlasSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["AtlasAPI", "AtlasSimulator", "CertBrowser"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
