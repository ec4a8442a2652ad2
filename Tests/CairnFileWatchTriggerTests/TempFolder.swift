import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh temporary tree for one test: `watched/` is the folder under watch, `outside/` a sibling on the same file
/// system for moves in and out. Removed when the value is deinitialized.
final class TempFolder: Sendable {
    let base: String
    let watched: String
    let outside: String

    init() throws {
        let canonicalTemp = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        base = canonicalTemp + "/filewatch-" + UUID().uuidString
        watched = base + "/watched"
        outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    /// The absolute path of `relative` inside the watched folder.
    func path(_ relative: String) -> String { watched + "/" + relative }

    /// Writes `text` to `relative` in place (open, write, close: no temporary file and rename).
    func write(_ relative: String, _ text: String) throws {
        try Self.writeInPlace(path(relative), text, append: false)
    }

    /// Appends `text` to `relative` in place.
    func append(_ relative: String, _ text: String) throws {
        try Self.writeInPlace(path(relative), text, append: true)
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path(relative))
    }

    /// `rename(2)` from `source` to `destination`, both absolute.
    func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private static func writeInPlace(_ path: String, _ text: String, append: Bool) throws {
        guard let file = fopen(path, append ? "a" : "w") else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw POSIXError(.EIO) }
    }
}
