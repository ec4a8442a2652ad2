public import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves the store and session a command acts on, and remembers the current ones; for the
/// commands of every target.
///
/// Precedence: the command's flags, then `CAIRN_STORE` / `CAIRN_SESSION`, then
/// `.cairn/current.json` in the working directory, then the default store `.cairn/store`.
public struct CLIContext {
    struct Current: Codable {
        var store: String
        var session: String?
    }

    /// The working directory's folder of Cairn state (`.cairn`).
    public static let folder = ".cairn"
    static var currentPath: String { FileManager.default.currentDirectoryPath + "/" + folder + "/current.json" }
    static var defaultStore: String {
        CairnCommand.settings.defaultStore.map(normalize) ?? "file://" + FileManager.default.currentDirectoryPath + "/" + folder + "/store"
    }

    /// The store's URL.
    public let storeURL: String
    /// The store, opened through ``CairnCommand/components``.
    public let store: any Store
    let current: Current?

    /// Opens the store named by `storeFlag`, the environment, the current file or the default.
    /// - Parameter create: whether a missing store may be created.
    /// - Throws: the store registry's errors (unknown scheme, missing store).
    public init(storeFlag: String?, create: Bool = false) throws {
        let environment = ProcessInfo.processInfo.environment
        let current = CLIContext.readCurrent()
        let chosen = storeFlag ?? environment["CAIRN_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? current?.store ?? CLIContext.defaultStore
        storeURL = CLIContext.normalize(chosen)
        store = try CairnCommand.components.stores.open(storeURL, create: create)
        self.current = current
    }

    /// A path made absolute against the working directory and standardized (`file://` removed).
    public static func absolutePath(_ text: String) -> String {
        let plain = text.hasPrefix("file://") ? String(text.dropFirst("file://".count)) : text
        return ((plain.hasPrefix("/") ? plain : FileManager.default.currentDirectoryPath + "/" + plain) as NSString).standardizingPath
    }

    /// `/path` and `relative/path` become `file://` URLs with absolute paths; a path ending in
    /// `.db`, `.sqlite` or `.sqlite3` becomes a `sqlite://` URL when this build has SQLite stores.
    public static func normalize(_ text: String) -> String {
        if text.contains("://") { return text }
        let path = ((text.hasPrefix("/") ? text : FileManager.default.currentDirectoryPath + "/" + text) as NSString).standardizingPath
        if ["db", "sqlite", "sqlite3"].contains((path as NSString).pathExtension.lowercased()),
            CairnCommand.components.stores.schemes.contains("sqlite")
        {
            return "sqlite://" + path
        }
        return "file://" + path
    }

    /// Session operations on the store.
    public var sessions: Sessions { Sessions(store: store) }

    /// The session named by the flag, the environment or the current file.
    /// - Throws: `CairnError.invalidArgument` if none is named or the id is malformed.
    public func session(_ flag: String?) throws -> SessionID {
        let environment = ProcessInfo.processInfo.environment
        let sameStore = current.map { CLIContext.normalize($0.store) == storeURL } ?? false
        guard let text = flag ?? environment["CAIRN_SESSION"].flatMap({ $0.isEmpty ? nil : $0 }) ?? (sameStore ? current?.session : nil) else {
            throw CairnError.invalidArgument(
                "no session given and no current session for \(storeURL); run '\(CairnCommand.settings.name) start' or pass --session ID")
        }
        return try SessionID(text)
    }

    /// Remembers `session` (and this store) as current in the working directory.
    public func remember(_ session: SessionID) throws {
        try FileManager.default.createDirectory(atPath: CLIContext.folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Current(store: storeURL, session: session.rawValue))
        let temporary = CLIContext.currentPath + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, CLIContext.currentPath) == 0 else {
            throw CairnError.storage("cannot write \(CLIContext.currentPath): \(String(cString: strerror(errno)))")
        }
    }

    static func readCurrent() -> Current? {
        guard let data = FileManager.default.contents(atPath: currentPath) else { return nil }
        return try? JSONDecoder().decode(Current.self, from: data)
    }
}

/// Parses `KEY=VALUE` arguments.
public enum KeyValues {
    /// The pairs as a dictionary.
    /// - Throws: `CairnError.invalidArgument` naming `flag` and the malformed pair.
    public static func parse(_ pairs: [String], flag: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CairnError.invalidArgument("\(flag) '\(pair)' is not KEY=VALUE")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}
