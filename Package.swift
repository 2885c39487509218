// swift-tools-version:6.0
// vuoro: a queue and ticketing daemon for walk-in public service counters.
import PackageDescription

let package = Package(
    name: "vuoro",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vuorod", targets: ["vuorod"]),
        .executable(name: "vuoro-ticket", targets: ["vuoro-ticket"]),
        .executable(name: "vuoro-display", targets: ["vuoro-display"]),
        .executable(name: "vuoro-counter", targets: ["vuoro-counter"]),
        .executable(name: "vuoroctl", targets: ["vuoroctl"]),
        .executable(name: "vuoro-bench", targets: ["vuoro-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "VuoroCore", swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "VuoroProtocol", swiftSettings: [.swiftLanguageMode(.v6)]),
        // HTTP/1.1 requests parsed within limits, responses and Server-Sent Events as bytes: pure, fuzzed.
        .target(name: "VuoroHTTP", swiftSettings: [.swiftLanguageMode(.v6)]),
        // Web Push: RFC 8188 and 8291 encryption and RFC 8292 (VAPID) on swift-crypto.
        .target(
            name: "VuoroPush", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        // A QR code encoder: for slips, the terminal display and the web boards.
        .target(name: "VuoroQR", swiftSettings: [.swiftLanguageMode(.v6)]),
        // Child processes with posix_spawn and waitpid, for the tests and the benchmark.
        .target(name: "VuoroChild"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "VuoroStore", dependencies: ["CSQLite", "VuoroCore"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "VuoroSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "VuoroConfig",
            dependencies: ["VuoroCore", "VuoroProtocol", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "VuoroServer",
            dependencies: [
                "VuoroCore", "VuoroProtocol", "VuoroStore", "VuoroHTTP", "VuoroQR", "VuoroChild", "VuoroPush", "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "VuoroClient",
            dependencies: [
                "VuoroProtocol", "VuoroQR", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "vuoro-ticket",
            dependencies: [
                "VuoroClient", "VuoroProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "vuoro-display",
            dependencies: [
                "VuoroClient", "VuoroProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "vuoro-counter",
            dependencies: [
                "VuoroClient", "VuoroProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "vuoroctl",
            dependencies: [
                "VuoroClient", "VuoroConfig", "VuoroProtocol", "VuoroCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "vuoro-bench",
            dependencies: [
                "VuoroCore", "VuoroStore", "VuoroClient", "VuoroChild", "CEpoll",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "vuorod",
            dependencies: [
                "VuoroCore", "VuoroConfig", "VuoroProtocol", "VuoroStore", "VuoroServer", "VuoroSystemd", "VuoroPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VuoroTestSupport",
            dependencies: [
                "VuoroServer", "VuoroCore", "VuoroStore", "VuoroClient", "VuoroChild",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/VuoroTestSupport"
        ),
        .testTarget(name: "VuoroCoreTests", dependencies: ["VuoroCore"]),
        .testTarget(name: "VuoroProtocolTests", dependencies: ["VuoroProtocol"]),
        .testTarget(name: "VuoroHTTPTests", dependencies: ["VuoroHTTP"]),
        .testTarget(
            name: "VuoroPushTests", dependencies: ["VuoroPush", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "VuoroStoreTests", dependencies: ["VuoroStore", "VuoroCore", "CSQLite"]),
        .testTarget(name: "VuoroConfigTests", dependencies: ["VuoroConfig", "VuoroProtocol"]),
        .testTarget(
            name: "VuoroServerTests",
            dependencies: [
                "VuoroServer", "VuoroCore", "VuoroStore", "VuoroProtocol", "VuoroTestSupport", "VuoroHTTP", "VuoroPush",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VuorodTests",
            dependencies: ["VuoroTestSupport", "VuoroStore", "VuoroProtocol", "VuoroCore", "VuoroClient"]),
        .testTarget(
            name: "VuoroClientTests", dependencies: ["VuoroClient", "VuoroQR", "VuoroTestSupport"], exclude: ["golden"]),
    ],
    swiftLanguageModes: [.v5]
)
