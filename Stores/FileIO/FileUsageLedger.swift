public import CairnCore
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A usage ledger in a folder: one small JSON file per agent and day
/// (`FOLDER/AGENT/YYYY-MM-DD.json`), updated under an exclusive lock and replaced atomically,
/// so runs in several processes on one machine share their daily totals.
public struct FileUsageLedger: UsageLedger {
    /// The folder.
    public let folder: String

    /// A ledger in `folder` (created if missing).
    /// - Throws: `CairnError.storage` when the folder cannot be created.
    public init(folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.folder = folder
    }

    public func add(_ usage: UsageCounters, agent: String, on date: Date) async throws {
        let directory = try agentFolder(agent)
        let path = directory + "/" + Self.day(of: date) + ".json"
        try await BlockingIO.run {
            let lockPath = directory + "/.lock"
            let fd = try FileIO.open(lockPath, O_RDWR | O_CREAT)
            defer { close(fd) }
            try FileIO.lock(fd, path: lockPath)
            let current = try Self.read(path)
            try FileIO.writeAtomically(try JSONEncoder().encode(current + usage), to: path, tmpDirectory: directory)
        }
    }

    public func usage(agent: String, on date: Date) async throws -> UsageCounters {
        let path = try agentFolder(agent) + "/" + Self.day(of: date) + ".json"
        return try await BlockingIO.run { try Self.read(path) }
    }

    /// The agent's folder; names are reduced to letters, digits, `.`, `_` and `-`.
    private func agentFolder(_ agent: String) throws -> String {
        let safe = String(agent.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" }).replacingOccurrences(of: "..", with: "__")
        let path = folder + "/" + (safe.isEmpty || safe.hasPrefix(".") ? "_" + safe : safe)
        try FileIO.makeDirectory(path)
        return path
    }

    private static func read(_ path: String) throws -> UsageCounters {
        guard let data = try FileIO.readFile(path) else { return UsageCounters() }
        do {
            return try JSONDecoder().decode(UsageCounters.self, from: data)
        } catch {
            throw CairnError.storage("the usage ledger file \(path) is damaged: \(error)")
        }
    }
}
