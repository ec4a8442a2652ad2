#if os(Linux)
    import Glibc

    /// One event read from an inotify descriptor.
    struct InotifyEvent: Sendable, Hashable {
        var watch: Int32
        var mask: UInt32
        var cookie: UInt32
        /// The entry's name within the watched directory; empty for events about the directory itself.
        var name: String

        func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
    }

    /// An inotify instance opened non-blocking: reading it never waits, so it can be drained from the cooperative pool.
    final class InotifyDescriptor {
        /// The mask the watcher uses on every directory.
        static let watchMask: UInt32 = {
            let events = IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF
            return UInt32(bitPattern: events | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
        }()

        private let descriptor: Int32
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        /// Opens an instance; the error is the `errno` of `inotify_init1` (`EMFILE` when the per-user limit is reached).
        init() throws(Errno) {
            descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { throw Errno(code: errno) }
        }

        deinit { close(descriptor) }

        /// Watches directory `path` (not following a final symbolic link), returning its watch descriptor; adding the
        /// same directory twice returns the same descriptor.
        func addWatch(_ path: String) -> Result<Int32, Errno> {
            let watch = inotify_add_watch(descriptor, path, Self.watchMask)
            return watch >= 0 ? .success(watch) : .failure(Errno(code: errno))
        }

        /// Stops watching; errors (the directory is already gone) are ignored.
        func removeWatch(_ watch: Int32) {
            _ = inotify_rm_watch(descriptor, watch)
        }

        /// Every event queued now, reading until the queue is empty (at most `maxReads` buffers, so a flood cannot keep
        /// the caller here forever).
        func readAvailable(maxReads: Int = 16) throws(Errno) -> [InotifyEvent] {
            var events: [InotifyEvent] = []
            for _ in 0..<maxReads {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    let code = errno
                    if code == EAGAIN || code == EWOULDBLOCK { break }
                    if code == EINTR { continue }
                    throw Errno(code: code)
                }
                if count == 0 { break }
                buffer.withUnsafeBytes { Self.parse($0.prefix(count), into: &events) }
            }
            return events
        }

        /// Splits a read buffer into events: a fixed header (wd, mask, cookie, len) then `len` bytes of NUL-padded name.
        static func parse(_ bytes: Slice<UnsafeRawBufferPointer>, into events: inout [InotifyEvent]) {
            let headerSize = MemoryLayout<Int32>.size + 3 * MemoryLayout<UInt32>.size
            var offset = bytes.startIndex
            while bytes.endIndex - offset >= headerSize {
                let watch = bytes.base.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = bytes.base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let cookie = bytes.base.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                let length = Int(bytes.base.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameStart = offset + headerSize
                guard bytes.endIndex - nameStart >= length else { return }
                let nameBytes = bytes.base[nameStart..<(nameStart + length)].prefix { $0 != 0 }
                events.append(InotifyEvent(watch: watch, mask: mask, cookie: cookie, name: String(decoding: nameBytes, as: UTF8.self)))
                offset = nameStart + length
            }
        }
    }
#endif
