// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ketenpoort",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ketenpoort", targets: ["ketenpoort"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Domain value types: no dependencies beyond Foundation.
        .target(name: "KetenpoortCore"),
        // Data contracts (ODCS v3), the rule engine and the policy the contracts carry.
        .target(
            name: "Contracts",
            dependencies: ["KetenpoortCore", .product(name: "Yams", package: "Yams")]
        ),
        // Codecs and the partner adapters that adapters/*/*.yaml describe.
        .target(
            name: "Adapters",
            dependencies: [
                "KetenpoortCore", "Contracts",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The exchanges: validation runs, translation, reports.
        .target(
            name: "Flows",
            dependencies: [
                "KetenpoortCore", "Contracts", "Adapters",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ketenpoort",
            dependencies: [
                "Flows", "KetenpoortCore", "Contracts", "Adapters",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CoreTests", dependencies: ["KetenpoortCore", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "KetenpoortCore"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Contracts", "KetenpoortCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Flows", "Adapters", "Contracts", "KetenpoortCore"]),
    ],
    swiftLanguageModes: [.v6]
)
