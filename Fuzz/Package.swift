// swift-tools-version:6.0
// Fuzz targets for atlas-certs' hand-written parsers of untrusted input (docs/fuzzing.md).
// A package of its own, as swift-protobuf's FuzzTesting/ is, so the main `swift build` and
// `swift test` never see the fuzzer flags. Build with Fuzz/run.sh (or see docs/fuzzing.md).
import PackageDescription

let package = Package(
    name: "atlas-certs-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "atlas-certs", path: ".."),
    ],
    targets: [
        // One libFuzzer binary; ATLAS_FUZZ_TARGET picks the parser it feeds (FuzzTarget.swift).
        .executableTarget(
            name: "AtlasFuzz",
            dependencies: [
                .product(name: "AtlasAPI", package: "atlas-certs"),
                .product(name: "CertBrowser", package: "atlas-certs"),
                .product(name: "NcursesTerminal", package: "atlas-certs"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
