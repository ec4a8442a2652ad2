import Foundation

/// A fresh temporary folder, removed by `cleanup`.
public struct TemporaryFolder: Sendable {
    /// The folder.
    public let path: String

    /// Creates the folder.
    public init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removes the folder and everything in it.
    public func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Where the package's executables are built: beside the test bundle, or `CAIRN_BUILD_DIR`.
public func builtExecutable(_ name: String) -> String {
    if let folder = ProcessInfo.processInfo.environment["CAIRN_BUILD_DIR"] { return folder + "/" + name }
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.pathComponents.count > 1 {
        url.deleteLastPathComponent()
        let candidate = url.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return name
}
