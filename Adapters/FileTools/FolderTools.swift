public import CairnCore
public import Foundation

/// A folder tools may read, and the checks that keep them inside it: paths are relative, and
/// after resolving `..` and symbolic links they must still lie under the folder.
public struct AllowedFolder: Sendable {
    /// The folder, resolved.
    public let root: URL

    /// The folder at `path`.
    /// - Throws: `CairnError.invalidArgument` if it is not an existing folder.
    public init(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CairnError.invalidArgument("the tools' folder \(path) is not an existing folder")
        }
        root = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
    }

    /// The file at `relative` inside the folder.
    /// - Throws: `ToolError.outsideFolder` for absolute paths and paths that leave the folder.
    public func resolve(_ relative: String) throws -> URL {
        guard !relative.hasPrefix("/"), !relative.contains("\0") else { throw ToolError.outsideFolder(relative) }
        let target = root.appendingPathComponent(relative.isEmpty ? "." : relative).standardizedFileURL.resolvingSymlinksInPath()
        guard target.path == root.path || target.path.hasPrefix(root.path.hasSuffix("/") ? root.path : root.path + "/") else {
            throw ToolError.outsideFolder(relative)
        }
        return target
    }
}

/// `read_file`: reads a text file inside an allowed folder (at most `maxBytes`, then truncated).
public struct ReadFileTool: Tool {
    let folder: AllowedFolder
    let maxBytes: Int

    /// A tool reading files under `folder`.
    public init(folder: AllowedFolder, maxBytes: Int = 256 * 1024) {
        self.folder = folder
        self.maxBytes = max(1, maxBytes)
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "read_file", description: "Read a text file. The path is relative to the agent's folder.",
            inputSchema: .object([
                "type": .string("object"), "properties": .object(["path": .object(["type": .string("string")])]),
                "required": .array([.string("path")]),
            ]))
    }

    public func invoke(_ arguments: JSONValue) async throws -> String {
        guard let path = arguments["path"]?.stringValue else { throw ToolError.badArgument("give the file's path as \"path\"") }
        let url = try folder.resolve(path)
        let limit = max(1, maxBytes)
        // Blocking reads (a FIFO, a slow disk) run on the blocking pool, not on Swift's cooperative threads.
        let data = try await BlockingIO.run { () throws -> Data in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue,
                let handle = FileHandle(forReadingAtPath: url.path)
            else { throw ToolError.badArgument("no readable file at '\(path)'") }
            defer { try? handle.close() }
            return try handle.read(upToCount: limit + 1) ?? Data()
        }
        let maxBytes = limit
        let text = String(decoding: data.prefix(maxBytes), as: UTF8.self)
        return data.count > maxBytes ? text + "\n[truncated after \(maxBytes) bytes]" : text
    }
}

/// `list_files`: lists a folder inside an allowed folder.
public struct ListFilesTool: Tool {
    let folder: AllowedFolder

    /// A tool listing folders under `folder`.
    public init(folder: AllowedFolder) {
        self.folder = folder
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "list_files", description: "List the files in a folder (relative to the agent's folder; empty for the folder itself).",
            inputSchema: .object(["type": .string("object"), "properties": .object(["path": .object(["type": .string("string")])])]))
    }

    public func invoke(_ arguments: JSONValue) async throws -> String {
        let path = arguments["path"]?.stringValue ?? ""
        let url = try folder.resolve(path)
        return try await BlockingIO.run {
            let names = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            return names.map { name in
                var isFolder: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder)
                return isFolder.boolValue ? name + "/" : name
            }.joined(separator: "\n")
        }
    }
}
