// swift-tools-version: 6.1
// A package outside Cairn that adds its own store, model provider and tool, tests them with
// Cairn's conformance kits, and composes its own `cairn` (`my-cairn`) with them. See README.md.
import PackageDescription

let package = Package(
    name: "MyCairn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MyAdapters", targets: ["MyAdapters"]),
        .executable(name: "my-cairn", targets: ["my-cairn"]),
    ],
    dependencies: [
        // Cairn by path; a package elsewhere would use .package(url: "https://github.com/.../cairn.git", from: "0.4.0").
        .package(name: "Cairn", path: "../..")
    ],
    targets: [
        // The adapters: the notebook:// store, the keyword model provider, the word_count tool.
        // They need CairnCore only.
        .target(
            name: "MyAdapters",
            dependencies: [.product(name: "CairnCore", package: "Cairn")]
        ),
        // The composition: Cairn's command line with the adapters registered.
        .executableTarget(
            name: "my-cairn",
            dependencies: [
                "MyAdapters",
                .product(name: "CairnCore", package: "Cairn"),
                .product(name: "CairnCLI", package: "Cairn"),
                .product(name: "CairnAgentFile", package: "Cairn"),
            ]
        ),
        // The adapters against Cairn's conformance kits, and an agent file run end to end.
        .testTarget(
            name: "MyAdaptersTests",
            dependencies: [
                "MyAdapters",
                .product(name: "CairnCore", package: "Cairn"),
                .product(name: "CairnAgentFile", package: "Cairn"),
                .product(name: "CairnStoreConformance", package: "Cairn"),
                .product(name: "CairnToolConformance", package: "Cairn"),
            ]
        ),
    ]
)

// Swift 6 language mode with strict concurrency on every target, as in Cairn's own Package.swift.
for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
