public import CairnCore
import Foundation

/// The tools of this target as components: `read_file` and `list_files`, confined to a folder.
///
/// ```yaml
/// tools:
///   - read_file: {folder: docs, max_bytes: 65536}
///   - list_files: {folder: docs}
/// ```
public enum FileToolComponents {
    /// Registers `read_file` and `list_files` in `components`.
    public static func register(in components: inout Components) {
        components.register(.tool, "read_file", summary: "reads a text file inside a folder") { configuration in
            let options = configuration.options
            try options.allowing(["folder", "max_bytes"])
            let maxBytes = try options.integer("max_bytes", in: 1...(64 << 20)) ?? 256 * 1024
            return [ReadFileTool(folder: try folder(options, tool: "read_file"), maxBytes: maxBytes)]
        }
        components.register(.tool, "list_files", summary: "lists the files inside a folder") { configuration in
            let options = configuration.options
            try options.allowing(["folder"])
            return [ListFilesTool(folder: try folder(options, tool: "list_files"))]
        }
    }

    /// The `folder` option, which must name an existing folder.
    static func folder(_ options: ComponentOptions, tool: String) throws -> AllowedFolder {
        guard let path = try options.path("folder") else { throw options.invalid("\(tool) needs a folder, e.g. - \(tool): {folder: docs}") }
        do { return try AllowedFolder(path) } catch { throw options.invalid("\(error)") }
    }
}
