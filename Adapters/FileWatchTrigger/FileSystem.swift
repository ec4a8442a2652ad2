#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the watcher remembers about a file to notice changes: its size, modification time and identity.
struct FileStat: Sendable, Hashable {
    /// Device and inode: stable across renames within one file system.
    struct Identity: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
    }

    var size: Int64
    /// Modification time in nanoseconds since the epoch.
    var modified: Int64
    var identity: Identity
}

/// A directory entry as the watcher sees it.
enum EntryKind: Sendable, Hashable {
    case directory
    case file(FileStat)
}

/// Thin wrappers over the C file-system calls the watcher needs.
enum FileSystem {
    /// The current `errno` as a short readable text.
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// `root` and `relative` joined with `/` (`relative` may be empty).
    static func join(_ root: String, _ relative: String) -> String {
        relative.isEmpty ? root : root + "/" + relative
    }

    /// The entry at `path` without following a final symbolic link, or `nil` with `errno` set when it cannot be read.
    static func entry(at path: String) -> EntryKind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        if (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) { return .directory }
        #if canImport(Darwin)
            let seconds = Int64(info.st_mtimespec.tv_sec)
            let nanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
            let seconds = Int64(info.st_mtim.tv_sec)
            let nanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
        let identity = FileStat.Identity(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino))
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let modified = overflow ? seconds : scaled &+ nanoseconds
        return .file(FileStat(size: Int64(info.st_size), modified: modified, identity: identity))
    }

    /// The names in directory `path` (without `.` and `..`), or the `errno` that prevented listing it.
    static func names(in path: String) -> Result<[String], Errno> {
        guard let directory = opendir(path) else { return .failure(Errno(code: errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }

    /// The canonical absolute path of `path` (symbolic links resolved), or the `errno` that prevented resolving it.
    static func canonicalPath(_ path: String) -> Result<String, Errno> {
        guard let resolved = realpath(path, nil) else { return .failure(Errno(code: errno)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// Whether the current process may list and enter directory `path`.
    static func canList(_ path: String) -> Bool {
        access(path, R_OK | X_OK) == 0
    }
}

/// A C `errno` value carried as an error.
struct Errno: Error, Sendable, Hashable {
    var code: Int32

    var text: String { FileSystem.describe(errno: code) }
    var isMissing: Bool { code == ENOENT || code == ENOTDIR }
}
