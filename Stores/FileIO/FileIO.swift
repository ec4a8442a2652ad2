public import CairnCore
public import Foundation

#if canImport(Glibc)
    public import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, checked wrappers over POSIX file calls, shared by the stores that keep files. Every
/// failure becomes a `CairnError.storage` naming the operation, the path and the system's reason.
public enum FileIO {
    /// The storage error for a failed system call: the operation, the path and the system's reason.
    public static func failure(_ operation: String, _ path: String, _ code: Int32 = errno) -> CairnError {
        .storage("\(operation) \(path): \(String(cString: strerror(code)))")
    }

    /// Opens `path` with close-on-exec added to `flags`.
    /// - Throws: `CairnError.storage`.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw failure("open", path) }
        return fd
    }

    /// Writes all of `data` at `offset`, retrying short writes and EINTR.
    /// - Throws: `CairnError.storage`.
    public static func writeAll(_ fd: Int32, _ data: Data, at offset: Int64, path: String) throws {
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", path)
                }
                done += n
            }
        }
    }

    /// Reads up to `count` bytes at `offset` (fewer at the end of the file).
    /// - Throws: `CairnError.storage`.
    public static func read(_ fd: Int32, from offset: Int64, count: Int, path: String) throws -> Data {
        var data = Data(count: count)
        let got = try data.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("read", path)
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        data.count = got
        return data
    }

    /// The file's size.
    /// - Throws: `CairnError.storage`.
    public static func size(_ fd: Int32, path: String) throws -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw failure("stat", path) }
        return Int64(info.st_size)
    }

    /// `fdatasync`: the file's data (and size) are durable on return.
    /// - Throws: `CairnError.storage`.
    public static func sync(_ fd: Int32, path: String) throws {
        if fdatasync(fd) != 0 { throw failure("fsync", path) }
    }

    /// fsyncs a directory so that a rename or create inside it is durable.
    /// - Throws: `CairnError.storage`.
    public static func syncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        if fsync(fd) != 0 { throw failure("fsync", path) }
    }

    /// Takes an exclusive `flock`, waiting for it; closing the descriptor releases it.
    /// - Throws: `CairnError.storage`.
    public static func lock(_ fd: Int32, path: String) throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw failure("lock", path)
        }
    }

    /// Creates a directory unless it exists.
    /// - Throws: `CairnError.storage`.
    public static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("mkdir", path) }
    }

    /// Creates `path` and the folders above it that are missing (`mkdir -p`).
    /// - Throws: `CairnError.storage` naming `what`, the folder that could not be made and why.
    public static func makeDirectories(_ path: String, what: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw CairnError.storage("cannot create \(what) \(path): \(prefix): \(String(cString: strerror(errno))); choose a folder you can write")
            }
        }
    }

    /// Writes `data` to a new file in `tmpDirectory`, fsyncs it and returns its path.
    /// - Throws: `CairnError.storage`.
    public static func writeTemporary(_ data: Data, in tmpDirectory: String) throws -> String {
        let path = tmpDirectory + "/" + UUID().uuidString
        let fd = try open(path, O_WRONLY | O_CREAT | O_EXCL)
        defer { close(fd) }
        try writeAll(fd, data, at: 0, path: path)
        if fsync(fd) != 0 { throw failure("fsync", path) }
        return path
    }

    /// Atomically replaces `path` with `data`: write a temporary file, fsync, rename, fsync the directory.
    /// - Throws: `CairnError.storage`.
    public static func writeAtomically(_ data: Data, to path: String, tmpDirectory: String) throws {
        let temporary = try writeTemporary(data, in: tmpDirectory)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw failure("rename to", path, code)
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Whether `path` exists.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The whole file, or nil if it does not exist.
    /// - Throws: `CairnError.storage` for other failures.
    public static func readFile(_ path: String) throws -> Data? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("open", path)
        }
        defer { close(fd) }
        return try read(fd, from: 0, count: Int(try size(fd, path: path)), path: path)
    }

    /// The names in a directory.
    /// - Throws: `CairnError.storage`.
    public static func listDirectory(_ path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw CairnError.storage("list \(path): \(error.localizedDescription)")
        }
    }
}
