// swift-tools-version: 6.1
// Cairn — a durable agent runtime. See README.md and Docs/architecture.md.
import PackageDescription

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CairnCore", targets: ["CairnCore"]),
        .library(name: "CairnStoreConformance", targets: ["CairnStoreConformance"]),
        .library(name: "CairnToolConformance", targets: ["CairnToolConformance"]),
        .library(name: "CairnTesting", targets: ["CairnTesting"]),
        .library(name: "CairnProviderConformance", targets: ["CairnProviderConformance"]),
        .library(name: "CairnFileStore", targets: ["CairnFileStore"]),
        .library(name: "CairnSQLiteStore", targets: ["CairnSQLiteStore"]),
        .library(name: "CairnS3Store", targets: ["CairnS3Store"]),
        .library(name: "CairnProcessHandler", targets: ["CairnProcessHandler"]),
        .library(name: "CairnHandlerSDK", targets: ["CairnHandlerSDK"]),
        .library(name: "CairnOpenAI", targets: ["CairnOpenAI"]),
        .library(name: "CairnAnthropic", targets: ["CairnAnthropic"]),
        .library(name: "CairnFileTools", targets: ["CairnFileTools"]),
        .library(name: "CairnHTTPTools", targets: ["CairnHTTPTools"]),
        .library(name: "CairnProcessCommands", targets: ["CairnProcessCommands"]),
        .library(name: "CairnAgentFile", targets: ["CairnAgentFile"]),
        .library(name: "CairnServer", targets: ["CairnServer"]),
        .library(name: "CairnCLI", targets: ["CairnCLI"]),
        .library(name: "CairnProcessCLI", targets: ["CairnProcessCLI"]),
        .library(name: "CairnTriggers", targets: ["CairnTriggers"]),
        .library(name: "CairnTriggerConformance", targets: ["CairnTriggerConformance"]),
        .library(name: "CairnProcesses", targets: ["CairnProcesses"]),
        .library(name: "CairnIntervalTrigger", targets: ["CairnIntervalTrigger"]),
        .library(name: "CairnEventTrigger", targets: ["CairnEventTrigger"]),
        .library(name: "CairnCronTrigger", targets: ["CairnCronTrigger"]),
        .library(name: "CairnWebhookTrigger", targets: ["CairnWebhookTrigger"]),
        .library(name: "CairnFileWatchTrigger", targets: ["CairnFileWatchTrigger"]),
        .executable(name: "cairn", targets: ["cairn"]),
        .executable(name: "cairn-embedded", targets: ["cairn-embedded"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // Core: transport-neutral model, store protocols, runtime loop. Imports no adapter.
        .target(
            name: "CairnCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Core/CairnCore"
        ),
        // The store conformance kit: any store (ours or a third party's) runs it against itself.
        .target(
            name: "CairnStoreConformance",
            dependencies: ["CairnCore"],
            path: "Core/CairnStoreConformance"
        ),
        // The workflow test kit: replay a workflow's code against recorded session histories.
        .target(
            name: "CairnTesting",
            dependencies: ["CairnCore"],
            path: "Core/CairnTesting"
        ),

        // Triggers: the trigger protocol, fire logs (each fire recorded once), the trigger service.
        .target(
            name: "CairnTriggers",
            dependencies: [
                "CairnCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Core/CairnTriggers"
        ),

        // Agent processes: long-lived governed agents with a lifecycle, inbox, mission and journal.
        .target(
            name: "CairnProcesses",
            dependencies: [
                "CairnCore", "CairnTriggers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Core/CairnProcesses"
        ),

        // The trigger conformance kit: any trigger kind runs it against itself.
        .target(name: "CairnTriggerConformance", dependencies: ["CairnCore", "CairnTriggers"], path: "Core/CairnTriggerConformance"),

        // The tool conformance kit: any tool runs it against itself.
        .target(name: "CairnToolConformance", dependencies: ["CairnCore"], path: "Core/CairnToolConformance"),
        // The provider conformance kit: any model provider (ours or a third party's) runs it against itself.
        .target(
            name: "CairnProviderConformance",
            dependencies: ["CairnCore"],
            path: "Core/CairnProviderConformance"
        ),

        // Compression: libzstd through a system-library target and a small Swift wrapper.
        .systemLibrary(name: "CZstd", path: "Stores/CZstd"),
        .target(name: "CairnZstd", dependencies: ["CZstd"], path: "Stores/Zstd"),

        // Stores. CairnFileIO holds the POSIX file helpers and the blob folder both file-backed stores use.
        .target(name: "CairnFileIO", dependencies: ["CairnCore", "CairnZstd"], path: "Stores/FileIO"),
        .target(
            name: "CairnFileStore",
            dependencies: [
                "CairnCore", "CairnFileIO",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Stores/File"
        ),

        .systemLibrary(name: "CSQLite", path: "Stores/CSQLite"),
        .target(
            name: "CairnSQLiteStore",
            dependencies: ["CairnCore", "CairnZstd", "CairnFileIO", "CSQLite"],
            path: "Stores/SQLite"
        ),
        .target(
            name: "CairnS3Store",
            dependencies: [
                "CairnCore", "CairnZstd",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Stores/S3"
        ),

        // Adapters.
        // Trigger kinds: one target each, registered by name.
        .target(
            name: "CairnIntervalTrigger",
            dependencies: ["CairnCore", "CairnTriggers", .product(name: "Crypto", package: "swift-crypto")],
            path: "Adapters/IntervalTrigger"
        ),
        .target(name: "CairnEventTrigger", dependencies: ["CairnCore", "CairnTriggers"], path: "Adapters/EventTrigger"),
        .target(name: "CairnCronTrigger", dependencies: ["CairnCore", "CairnTriggers"], path: "Adapters/CronTrigger"),
        .target(
            name: "CairnFileWatchTrigger",
            dependencies: ["CairnCore", "CairnTriggers", .product(name: "Logging", package: "swift-log")],
            path: "Adapters/FileWatchTrigger"
        ),
        .target(
            name: "CairnWebhookTrigger",
            dependencies: [
                "CairnCore", "CairnTriggers", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Adapters/WebhookTrigger"
        ),
        .target(
            name: "CairnProcessHandler",
            dependencies: [
                "CairnCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Adapters/ProcessHandler"
        ),

        .target(
            name: "CairnProviderSupport",
            dependencies: [
                "CairnCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Adapters/ProviderSupport"
        ),
        .target(
            name: "CairnOpenAI",
            dependencies: [
                "CairnCore", "CairnProviderSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Adapters/OpenAI"
        ),

        .target(
            name: "CairnAnthropic",
            dependencies: [
                "CairnCore", "CairnProviderSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Adapters/Anthropic"
        ),

        // Tools for agents: files in an allowed folder (no network), HTTP GET to allowed hosts.
        .target(name: "CairnFileTools", dependencies: ["CairnCore"], path: "Adapters/FileTools"),
        .target(
            name: "CairnHTTPTools",
            dependencies: [
                "CairnCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Adapters/HTTPTools"
        ),

        // Frontends. CairnCLI holds the session commands and what every command shares; the
        // targets below contribute their own commands, assembled in Frontends/cairn.
        .target(
            name: "CairnCLI",
            dependencies: [
                "CairnCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Frontends/CLI"
        ),
        // `cairn run` and `cairn worker`: sessions driven by handler processes.
        .target(
            name: "CairnProcessCommands",
            dependencies: [
                "CairnCore", "CairnCLI", "CairnProcessHandler", "CairnTriggers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Frontends/ProcessCommands"
        ),
        // Agent files (YAML) assembled through the components registry; `cairn agent`; the `agent_file` handler kind.
        .target(
            name: "CairnAgentFile",
            dependencies: [
                "CairnCore", "CairnCLI", "CairnFileIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Frontends/AgentFile"
        ),
        .target(name: "CairnHandlerSDK", dependencies: ["CairnZstd"], path: "Frontends/HandlerSDK"),
        // `cairn process ...`: agent processes on a running server (an orchestration API client);
        // `.agent` manifest files.
        .target(
            name: "CairnProcessCLI",
            dependencies: [
                "CairnCore", "CairnCLI", "CairnProcesses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Frontends/ProcessCLI"
        ),
        // `cairn serve`: the runtime as a service, the HTTP API, SSE streams, metrics.
        .target(
            name: "CairnServer",
            dependencies: [
                "CairnCore", "CairnCLI", "CairnTriggers", "CairnProcesses", "CairnProcessCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Frontends/Server"
        ),
        // The reference composition: every adapter and command.
        .executableTarget(
            name: "cairn",
            dependencies: [
                "CairnCLI", "CairnCore", "CairnFileStore", "CairnSQLiteStore", "CairnS3Store", "CairnOpenAI", "CairnAnthropic",
                "CairnFileTools", "CairnHTTPTools", "CairnProcessHandler", "CairnProcessCommands", "CairnAgentFile", "CairnServer", "CairnProcessCLI",
                "CairnCronTrigger", "CairnIntervalTrigger", "CairnEventTrigger", "CairnWebhookTrigger", "CairnFileWatchTrigger",
            ],
            path: "Frontends/cairn"
        ),
        // A minimal composition: embedded stores and offline agents, no HTTP stack.
        .executableTarget(
            name: "cairn-embedded",
            dependencies: [
                "CairnCLI", "CairnCore", "CairnFileStore", "CairnSQLiteStore", "CairnFileTools", "CairnAgentFile",
            ],
            path: "Frontends/cairn-embedded"
        ),

        // Examples.
        .executableTarget(name: "echo-handler", dependencies: ["CairnHandlerSDK"], path: "Examples/echo-swift"),
        .executableTarget(name: "task-worker", dependencies: ["CairnHandlerSDK"], path: "Examples/task-worker"),
        .executableTarget(
            name: "order-workflow",
            dependencies: ["CairnCore", "CairnFileStore", "CairnSQLiteStore"],
            path: "Examples/order-workflow",
            exclude: ["README.md"]
        ),

        // Test helpers and benchmarks.
        .executableTarget(
            name: "cairn-crash-writer",
            dependencies: ["CairnCore", "CairnFileStore", "CairnSQLiteStore", "CairnS3Store"],
            path: "Tests/CrashWriter"
        ),
        .executableTarget(
            name: "cairn-workflow-crash",
            dependencies: ["CairnCore", "CairnFileStore"],
            path: "Tests/WorkflowCrash"
        ),
        .executableTarget(
            name: "cairn-bench",
            dependencies: [
                "CairnCore", "CairnFileStore", "CairnSQLiteStore", "CairnS3Store", "CairnProcessHandler", "CairnServer", "CairnTestSupport",
                "CairnTriggers", "CairnCronTrigger", "CairnWebhookTrigger", "CairnProcesses",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Bench",
            exclude: ["flatmachines_claims.py"]
        ),

        // Tests.
        .target(name: "CairnTestSupport", path: "Tests/Support", exclude: ["serial_moto.py"]),
        .testTarget(
            name: "CairnCoreTests",
            dependencies: ["CairnCore", "CairnStoreConformance"],
            path: "Tests/CairnCoreTests"
        ),
        .testTarget(
            name: "CairnTestingTests",
            dependencies: ["CairnTesting", "CairnCore", "CairnFileStore", "CairnTestSupport"],
            path: "Tests/CairnTestingTests"
        ),
        .testTarget(
            name: "CairnFileStoreTests",
            dependencies: ["CairnCore", "CairnFileStore", "CairnStoreConformance", "CairnZstd", "CairnTestSupport"],
            path: "Tests/CairnFileStoreTests"
        ),
        .testTarget(
            name: "CairnSQLiteStoreTests",
            dependencies: ["CairnCore", "CairnSQLiteStore", "CairnStoreConformance", "CairnTestSupport"],
            path: "Tests/CairnSQLiteStoreTests"
        ),
        .testTarget(
            name: "CairnS3StoreTests",
            dependencies: ["CairnCore", "CairnS3Store", "CairnStoreConformance", "CairnTestSupport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/CairnS3StoreTests"
        ),
        .testTarget(
            name: "CairnStoreCrashTests",
            dependencies: [
                "CairnCore", "CairnFileStore", "CairnSQLiteStore", "CairnS3Store", "CairnTestSupport", "cairn-crash-writer", "cairn-workflow-crash",
            ],
            path: "Tests/CairnStoreCrashTests"
        ),
        .testTarget(
            name: "CairnAnthropicTests",
            dependencies: ["CairnCore", "CairnAnthropic", "CairnTestSupport"],
            path: "Tests/CairnAnthropicTests"
        ),
        .testTarget(
            name: "CairnOpenAITests",
            dependencies: ["CairnCore", "CairnOpenAI", "CairnTestSupport"],
            path: "Tests/CairnOpenAITests"
        ),
        .testTarget(
            name: "CairnProviderConformanceTests",
            dependencies: ["CairnCore", "CairnProviderConformance", "CairnOpenAI", "CairnAnthropic", "CairnTestSupport"],
            path: "Tests/CairnProviderConformanceTests"
        ),
        .testTarget(
            name: "CairnAgentTests",
            dependencies: [
                "CairnCore", "CairnAgentFile", "CairnFileTools", "CairnHTTPTools", "CairnOpenAI", "CairnAnthropic", "CairnFileStore", "CairnFileIO",
                "CairnToolConformance", "CairnTestSupport", "cairn",
            ],
            path: "Tests/CairnAgentTests"
        ),
        .testTarget(
            name: "CairnServerTests",
            dependencies: [
                "CairnCore", "CairnServer", "CairnProcessHandler", "CairnTestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/CairnServerTests"
        ),
        .testTarget(
            name: "CairnTriggerTests",
            dependencies: [
                "CairnCore", "CairnTriggers", "CairnTriggerConformance", "CairnCronTrigger", "CairnIntervalTrigger", "CairnEventTrigger",
                "CairnFileWatchTrigger", "CairnWebhookTrigger", "CairnFileStore", "CairnTestSupport",
            ],
            path: "Tests/CairnTriggerTests"
        ),
        .testTarget(
            name: "CairnProcessTests",
            dependencies: ["CairnCore", "CairnProcesses", "CairnTriggers", "CairnFileStore"],
            path: "Tests/CairnProcessTests"
        ),
        .testTarget(
            name: "CairnTriggerFilterTests",
            dependencies: ["CairnCore", "CairnTriggers"],
            path: "Tests/CairnTriggerFilterTests",
            exclude: ["Corpus"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "CairnWebhookTriggerTests",
            dependencies: ["CairnWebhookTrigger", "CairnTriggers", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/CairnWebhookTriggerTests"
        ),
        .testTarget(name: "CairnFileWatchTriggerTests", dependencies: ["CairnFileWatchTrigger", "CairnTriggers"], path: "Tests/CairnFileWatchTriggerTests"),
        .testTarget(name: "CairnCronTriggerTests", dependencies: ["CairnCronTrigger", "CairnTriggers"], path: "Tests/CairnCronTriggerTests"),
        .testTarget(
            name: "CairnProcessHandlerTests",
            dependencies: ["CairnCore", "CairnProcessHandler", "CairnFileStore"],
            path: "Tests/CairnProcessHandlerTests"
        ),
    ]
)

// Swift 6 language mode with strict concurrency on every target, applied in one place; imports are
// internal unless marked public, and every module a file uses must be imported (and declared).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
