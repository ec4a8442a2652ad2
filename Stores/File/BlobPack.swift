import CairnCore
import CairnFileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Small bodies (up to ``BlobPack/maxBody`` bytes) packed into append-only files
/// `packs/NNNNNN.pack`, so that storing one costs a share of one `fdatasync` instead of a file,
/// a rename and two fsyncs of its own. Concurrent puts are group-committed: one thread writes
/// every body queued while the previous write was syncing, in one `pwrite` and one `fdatasync`.
///
/// A record is `CBP1 | length UInt32 LE | CRC-32C UInt32 LE of digest and body | SHA-256 (32 bytes) | body`.
/// Several processes may share the folder: writers take an exclusive `flock` on the pack, and
/// readers scan what other processes appended since they last looked. A torn tail is never read
/// and is truncated by the next writer, exactly as for logs.
final class BlobPack: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.
    static let maxBody = 16 * 1024
    static let maxPackSize: Int64 = 64 << 20
    private static let magic: [UInt8] = Array("CBP1".utf8)
    private static let headerSize = 4 + 4 + 4 + 32

    private struct Location {
        var pack: Int
        var offset: Int64
        var length: Int
    }

    private let folder: String
    private let condition = NSCondition()
    private var index: [Digest: Location] = [:]
    /// Digests known to be durable: written and synced by this instance, or found under the pack's lock.
    private var durable = Set<Digest>()
    /// Packs with a damaged region (valid records after bytes that fail their checksum), by number.
    private var damaged: [Int: String] = [:]
    private var readers: [Int: Int32] = [:]
    private var scanned: [Int: Int64] = [:]
    private var queue: [(digest: Digest, data: Data, ticket: Int)] = []
    private var nextTicket = 0
    private var committed = -1
    private var failures: [Int: any Error] = [:]
    private var writing = false

    init(folder: String) throws {
        self.folder = folder
        try FileIO.makeDirectory(folder)
    }

    private func path(_ pack: Int) -> String { folder + "/" + String(format: "%06d", pack) + ".pack" }

    private func packNumbers() throws -> [Int] {
        try FileIO.listDirectory(folder).compactMap { $0.hasSuffix(".pack") ? Int($0.dropLast(5)) : nil }.sorted()
    }

    /// Whether the body is in a pack (looking at what other processes appended if needed).
    func contains(_ digest: Digest) throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if index[digest] != nil { return true }
        try refreshLocked()
        return index[digest] != nil
    }

    /// The damage found in packs, if any (blobs that cannot be found may have been in it).
    var damage: String? {
        condition.lock()
        defer { condition.unlock() }
        return damaged.values.first
    }

    /// The body, verified against its digest; nil if no pack holds it.
    func get(_ digest: Digest) throws -> Data? {
        condition.lock()
        var location = index[digest]
        if location == nil {
            do { try refreshLocked() } catch { condition.unlock(); throw error }
            location = index[digest]
        }
        condition.unlock()
        guard let location else { return nil }
        let file = path(location.pack)
        let fd = try reader(for: location.pack)
        let data = try FileIO.read(fd, from: location.offset + Int64(Self.headerSize), count: location.length, path: file)
        guard data.count == location.length, Digest(of: data) == digest else {
            throw CairnError.corrupt("blob \(digest) in \(file) does not match its digest")
        }
        return data
    }

    /// A read-only descriptor per pack, opened once and kept (`pread` needs no shared offset).
    private func reader(for pack: Int) throws -> Int32 {
        condition.lock()
        defer { condition.unlock() }
        if let fd = readers[pack] { return fd }
        let fd = try FileIO.open(path(pack), O_RDONLY)
        readers[pack] = fd
        return fd
    }

    deinit {
        readers.values.forEach { close($0) }
    }

    /// Stores a small body durably (group-committed with concurrent puts).
    func put(_ data: Data, digest: Digest) throws {
        condition.lock()
        defer { condition.unlock() }
        if durable.contains(digest) { return }
        let ticket = nextTicket
        nextTicket += 1
        queue.append((digest, data, ticket))
        while committed < ticket {
            if writing {
                condition.wait()
                continue
            }
            writing = true
            let batch = queue
            queue = []
            let knownEnds = scanned
            // Bodies already read from a pack are complete there; the write only has to sync them.
            let present = Set(batch.map(\.digest).filter { index[$0] != nil })
            condition.unlock()
            let outcome = Result { try write(batch, knownEnds: knownEnds, present: present) }
            condition.lock()
            writing = false
            switch outcome {
            case .success(let written):
                for (digest, location) in written.locations {
                    index[digest] = location
                    durable.insert(digest)
                }
                durable.formUnion(present.filter { index[$0]?.pack == written.pack })
                scanned[written.pack] = max(scanned[written.pack] ?? 0, written.end)
            case .failure(let error):
                for item in batch { failures[item.ticket] = error }
            }
            committed = max(committed, batch.map(\.ticket).max() ?? committed)
            condition.broadcast()
        }
        if let failure = failures.removeValue(forKey: ticket) { throw failure }
    }

    /// Appends `batch` to the current pack under its lock; returns where each body went (and the
    /// records other processes appended since `knownEnds`), and the pack's new end.
    private func write(_ batch: [(digest: Digest, data: Data, ticket: Int)], knownEnds: [Int: Int64], present: Set<Digest>) throws
        -> (locations: [(Digest, Location)], pack: Int, end: Int64)
    {
        var pack = try packNumbers().last ?? 0
        var file = path(pack)
        var fd = try FileIO.open(file, O_RDWR | O_CREAT)
        try FileIO.lock(fd, path: file)
        var size = try FileIO.size(fd, path: file)
        if size >= Self.maxPackSize {
            close(fd)
            pack += 1
            file = path(pack)
            fd = try FileIO.open(file, O_RDWR | O_CREAT)
            try FileIO.lock(fd, path: file)
            size = try FileIO.size(fd, path: file)
        }
        defer { close(fd) }
        if size == 0 { try FileIO.syncDirectory(folder) }
        // Index what other processes appended since we last looked; cut off a torn tail.
        var locations: [(Digest, Location)] = []
        let from = min(knownEnds[pack] ?? 0, size)
        if size > from {
            let bytes = try FileIO.read(fd, from: from, count: Int(size - from), path: file)
            let (valid, tornAt) = Self.scan(bytes) { offset, length in
                if let digest = Self.digest(in: bytes, at: Int(offset)) {
                    locations.append((digest, Location(pack: pack, offset: from + offset, length: length)))
                }
            }
            if let tornAt {
                if Self.validRecordFollows(bytes, after: Int(tornAt)) {
                    // Damaged, not torn: leave it as it is for inspection and write to a new pack.
                    close(fd)
                    pack += 1
                    file = path(pack)
                    fd = try FileIO.open(file, O_RDWR | O_CREAT)
                    try FileIO.lock(fd, path: file)
                    locations = []
                    size = try FileIO.size(fd, path: file)
                    if size == 0 { try FileIO.syncDirectory(folder) }
                    return try append(batch, to: fd, pack: pack, file: file, size: size, known: [], present: [])
                }
                if ftruncate(fd, off_t(from + valid)) != 0 { throw FileIO.failure("truncate", file) }
            }
            size = from + valid
        }
        return try append(batch, to: fd, pack: pack, file: file, size: size, known: locations, present: present)
    }

    private func append(
        _ batch: [(digest: Digest, data: Data, ticket: Int)], to fd: Int32, pack: Int, file: String, size: Int64,
        known: [(Digest, Location)], present: Set<Digest>
    ) throws -> (locations: [(Digest, Location)], pack: Int, end: Int64) {
        var locations = known
        var buffer = Data()
        var seen = Set(locations.map(\.0)).union(present)
        for item in batch where seen.insert(item.digest).inserted {
            locations.append((item.digest, Location(pack: pack, offset: size + Int64(buffer.count), length: item.data.count)))
            buffer.append(Self.record(item.digest, item.data))
        }
        if !buffer.isEmpty { try FileIO.writeAll(fd, buffer, at: size, path: file) }
        // Also when everything was already there: a writer that died before its sync may have left it unsynced.
        try FileIO.sync(fd, path: file)
        return (locations, pack, size + Int64(buffer.count))
    }

    private static func digest(in bytes: Data, at offset: Int) -> Digest? {
        let start = bytes.startIndex + offset + 12
        let hex = bytes[start..<(start + 32)].map { String(format: "%02x", $0) }.joined()
        return try? Digest(hex: hex)
    }

    private static func validRecordFollows(_ bytes: Data, after offset: Int) -> Bool {
        var position = offset + 1
        while position + headerSize <= bytes.count {
            if bytes[bytes.startIndex + position] == magic[0] {
                let (valid, _) = scan(bytes.subdata(in: (bytes.startIndex + position)..<bytes.endIndex)) { _, _ in }
                if valid > 0 { return true }
            }
            position += 1
        }
        return false
    }

    private static func record(_ digest: Digest, _ data: Data) -> Data {
        var checked = Data(hexBytes(digest))
        checked.append(data)
        var record = Data(magic)
        withUnsafeBytes(of: UInt32(data.count).littleEndian) { record.append(contentsOf: $0) }
        withUnsafeBytes(of: checked.withUnsafeBytes(CRC32C.checksum).littleEndian) { record.append(contentsOf: $0) }
        record.append(checked)
        return record
    }

    private static func hexBytes(_ digest: Digest) -> [UInt8] {
        let chars = Array(digest.hex.utf8)
        func value(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: 64, by: 2).map { value(chars[$0]) << 4 | value(chars[$0 + 1]) }
    }

    /// Walks the valid records of a pack's bytes; returns the valid length and, if bytes follow
    /// that do not form a record, where they start (a torn tail).
    private static func scan(_ bytes: Data, _ visit: (Int64, Int) -> Void) -> (Int64, Int64?) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + headerSize <= raw.count {
                guard raw[offset] == magic[0], raw[offset + 1] == magic[1], raw[offset + 2] == magic[2], raw[offset + 3] == magic[3] else { break }
                var length: UInt32 = 0, crc: UInt32 = 0
                withUnsafeMutableBytes(of: &length) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(offset + 4)..<(offset + 8)])) }
                withUnsafeMutableBytes(of: &crc) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + 12)])) }
                let bodyLength = Int(UInt32(littleEndian: length))
                let end = offset + headerSize + bodyLength
                guard bodyLength <= maxBody, end <= raw.count,
                    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(offset + 12)..<end])) == UInt32(littleEndian: crc)
                else { break }
                visit(Int64(offset), bodyLength)
                offset = end
            }
            return (Int64(offset), offset < raw.count ? Int64(offset) : nil)
        }
    }

    /// Indexes what was appended to the packs since the last look (caller holds `condition`).
    private func refreshLocked() throws {
        for pack in try packNumbers() {
            let file = path(pack)
            guard let fd = try? FileIO.open(file, O_RDONLY) else { continue }
            defer { close(fd) }
            let from = scanned[pack] ?? 0
            let size = try FileIO.size(fd, path: file)
            guard size > from else { continue }
            let bytes = try FileIO.read(fd, from: from, count: Int(size - from), path: file)
            let (valid, tornAt) = Self.scan(bytes) { offset, length in
                if let digest = Self.digest(in: bytes, at: Int(offset)) {
                    self.index[digest] = Location(pack: pack, offset: from + offset, length: length)
                }
            }
            if let tornAt, Self.validRecordFollows(bytes, after: Int(tornAt)) {
                // Reported by `get` for blobs that cannot be found; the other packs stay readable.
                damaged[pack] = "\(file): bytes at \(from + tornAt) fail their checksum but valid records follow (restore the pack from a backup)"
            }
            scanned[pack] = from + valid
        }
    }
}
