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
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sealed batches: Merkle trees, detached JWS (ES256, x5c), certificates and the dev PKI.
        .target(
            name: "Sealing",
            dependencies: [
                "KetenpoortCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The system libcurl (libcurl4-openssl-dev), with static inline wrappers for its variadic API.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The recipient check inside libcurl's TLS handshake (OpenSSL verify callback): SAN only, the party's OIN.
        .target(name: "CPeerCheck", linkerSettings: [.linkedLibrary("curl"), .linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        // Outbound HTTPS over libcurl: mutual TLS, the recipient's identity checked in the handshake,
        // pinning, delivery headers and the retry policy.
        .target(
            name: "HTTPClient",
            dependencies: [
                "CCurl", "CPeerCheck", "KetenpoortCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Inbound HTTPS, the only server target (Hummingbird + TLS): the TLS settings, the client
        // certificate as identity, problem+json, the IND status API, subject access, the inbox, metrics.
        .target(
            name: "GatewayHTTP",
            dependencies: [
                "KetenpoortCore", "Contracts", "Adapters", "Sealing", "Store", "HTTPClient", "Gateway", "Exchanges",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The operator console (`console:`), served by `run`: server-rendered HTML over mutual TLS for
        // the registry's operators; every action they take on the audit chain.
        .target(
            name: "Console",
            dependencies: [
                "KetenpoortCore", "Store", "Sealing", "HTTPClient", "Gateway", "GatewayHTTP", "Exchanges",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Process-wide SQLite settings made before its first use (sqlite3_config is variadic).
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The gateway's state as protocols and record types, whatever the engine.
        .target(name: "Store", dependencies: ["KetenpoortCore"]),
        // The embedded engine: one SQLite file (GRDB), the default and `make run`'s.
        .target(
            name: "StoreSQLite",
            dependencies: [
                "KetenpoortCore", "Store", "CSQLiteSettings",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The platform every exchange runs on: configuration and party registry, the intake pipeline,
        // the audit chain, incidents, the consent register and guard, delivery, the scheduler, retention.
        // PostgreSQL through libpq (Debian libpq-dev), for several gateway nodes on one database.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "StorePostgres", dependencies: ["Store", "KetenpoortCore", "CLibPQ"]),
        // The conformance suite every store engine runs (tests only).
        .target(name: "StoreTesting", dependencies: ["Store", "KetenpoortCore"]),
        .target(
            name: "Gateway",
            dependencies: [
                "KetenpoortCore", "Contracts", "Adapters", "Sealing", "Store", "StoreSQLite", "HTTPClient",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The exchanges, one folder each (COA → municipalities, DUO ingest, CBS delivery, Argonaut →
        // DUO, the consent feed, translation, indicators), and the runtime that builds them.
        .target(
            name: "Exchanges",
            dependencies: [
                "KetenpoortCore", "Contracts", "Adapters", "Sealing", "Store", "StoreSQLite", "StorePostgres", "HTTPClient", "Gateway",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                // The nightly sync's scratch file (SyncStaging), outside the store; its inserts bind
                // through SQLite's C interface (ScratchInsert).
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Test and bench equipment: the dev receiver, fault plans, the load generator, data
        // generators. Used by tests, `receive`, `demo` and the benches; never on the gateway's paths.
        .target(
            name: "KetenpoortTesting",
            dependencies: [
                "KetenpoortCore", "Sealing", "Store", "StoreSQLite", "StorePostgres", "HTTPClient", "GatewayHTTP", "Gateway", "Exchanges",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ketenpoort",
            dependencies: [
                "Gateway", "Exchanges", "KetenpoortCore", "Contracts", "Adapters", "Sealing", "Store", "StoreSQLite", "HTTPClient", "GatewayHTTP",
                "Console", "KetenpoortTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The test process's `readdir`, exported so Foundation's `Process.run()` binds to it (see the file).
        .target(
            name: "CReaddirGuard", path: "Tests/CReaddirGuard", linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic-symbol=readdir"])]
        ),
        .testTarget(
            name: "CoreTests", dependencies: ["KetenpoortCore", "CReaddirGuard", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "KetenpoortCore", "KetenpoortTesting"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "Contracts", "KetenpoortCore", "KetenpoortTesting"]),
        .testTarget(
            name: "SealingTests",
            dependencies: ["Sealing", "KetenpoortCore", "KetenpoortTesting", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Store", "StoreSQLite", "StoreTesting", "Sealing", "Contracts", "KetenpoortCore", "KetenpoortTesting",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "GatewayHTTPTests",
            dependencies: [
                "GatewayHTTP", "HTTPClient", "Store", "StoreSQLite", "Sealing", "KetenpoortCore", "KetenpoortTesting",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ]),
        .testTarget(
            name: "ExchangesTests",
            dependencies: [
                "Exchanges", "Gateway", "Adapters", "Contracts", "Store", "StoreSQLite", "Sealing", "KetenpoortCore", "KetenpoortTesting",
                .product(name: "PropertyBased", package: "swift-property-based"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "StorePostgresTests",
            dependencies: [
                "StorePostgres", "StoreTesting", "KetenpoortCore", "KetenpoortTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(
            name: "StoreSQLiteTests",
            dependencies: [
                "Store", "StoreSQLite", "StoreTesting", "KetenpoortCore", "KetenpoortTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "HTTPClientTests",
            dependencies: [
                "HTTPClient", "GatewayHTTP", "KetenpoortTesting", "Sealing", "KetenpoortCore", .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Gateway", "Exchanges", "Adapters", "Contracts", "KetenpoortCore", "Store", "StoreSQLite", "Sealing", "HTTPClient", "GatewayHTTP",
                "Console", "KetenpoortTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                // The audit tests tamper with the SQLite file directly, as an attacker would.
                .product(name: "GRDB", package: "GRDB.swift"),
                // Known answers for keyed pseudonyms.
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
