public import CairnCore
import CairnFileIO
public import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded store: sessions and blobs in a folder (`file:///var/cairn`).
///
/// Layout (documented in Docs/file-store.md):
///
///     blobs/ab/abcdef…        a body, raw        blobs/ab/abcdef….zst   a body, zstd-compressed
///     sessions/<id>/info.json the session        sessions/<id>/log      its own entries, one checksummed record per append
///     timers/<id>             when a sleeping session is due (an index; the log is the truth)
///     tmp/                    files being written
///
/// Guarantees: an append returns only after `fdatasync`; records are CRC-32C checksummed so a
/// torn tail is never read; several processes may share the folder (appends take an exclusive
/// `flock` on the log and compare the length under it); blobs are written and fsynced before
/// any entry refers to them.
public final class FileStore: Store {
    /// The folder holding the store.
    public let root: String
    private let logger: Logger
    private let indexes = Mutex<[SessionID: LogIndex]>([:])
    private let packs: BlobPack
    private let infos = Mutex<[SessionID: SessionInfo]>([:])

    /// Opens the store in `root`, creating the folder if `create` is true.
    /// Files left in `tmp/` by writers that crashed more than an hour ago are removed.
    /// - Throws: `CairnError.invalidArgument` if the store does not exist and `create` is false;
    ///   `CairnError.storage` if the folder cannot be created.
    public init(root: String, create: Bool = true, logger: Logger = Logger(label: "cairn.store.file")) throws {
        let standardized = (root as NSString).standardizingPath
        self.root = standardized
        self.logger = logger
        if !create, !FileIO.exists(standardized + "/sessions") {
            throw CairnError.invalidArgument("no Cairn store at \(standardized); create one with 'cairn start -b file://\(standardized)'")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: standardized, isDirectory: &isFolder), !isFolder.boolValue {
            let sqlite = ["db", "sqlite", "sqlite3"].contains((standardized as NSString).pathExtension.lowercased())
            throw CairnError.invalidArgument(
                "\(standardized) is a file, not a file-store folder"
                    + (sqlite ? "; for a SQLite store pass sqlite://\(standardized)" : "; pass a folder (it is created if missing)"))
        }
        try FileIO.makeDirectories(standardized, what: "the store folder")
        for folder in ["blobs", "sessions", "timers", "tmp"] {
            try FileIO.makeDirectory(standardized + "/" + folder)
        }
        packs = try BlobPack(folder: standardized + "/packs")
        BlobFolder(root: standardized).removeStaleTemporaries()
    }

    /// Opens the store named by a `file://` URL (`file:///abs/path`; `file://rel/path` is relative to the working directory).
    /// - Throws: `CairnError.unsupportedStore` for another scheme; `CairnError.storage`.
    public convenience init(url: URL, create: Bool = true) throws {
        guard url.scheme?.lowercased() == "file" else {
            throw CairnError.unsupportedStore("'\(url.absoluteString)' is not a file:// URL")
        }
        var path = url.path
        if let host = url.host, !host.isEmpty, host != "localhost" { path = host + path }
        guard !path.isEmpty else { throw CairnError.unsupportedStore("'\(url.absoluteString)' names no folder; use file:///path/to/folder") }
        try self.init(root: path, create: create)
    }

    var tmp: String { root + "/tmp" }
    private func sessionDirectory(_ id: SessionID) -> String { root + "/sessions/" + id.rawValue }
    private func logPath(_ id: SessionID) -> String { sessionDirectory(id) + "/log" }
    private func timerPath(_ id: SessionID) -> String { root + "/timers/" + id.rawValue }

    // MARK: Blobs

    // Bodies up to 16 KiB go to group-committed packs; larger ones get a file each (zstd when it pays).

    public func put(_ data: Data) async throws -> Digest {
        try await BlockingIO.run {
            let digest = Digest(of: data)
            guard data.count <= BlobPack.maxBody else { return try BlobFolder(root: self.root).put(data) }
            if BlobFolder(root: self.root).location(of: digest) == nil { try self.packs.put(data, digest: digest) }
            return digest
        }
    }

    public func get(_ digest: Digest) async throws -> Data {
        try await BlockingIO.run {
            if let data = try self.packs.get(digest) { return data }
            return try self.folderBlob(digest) { try $0.get(digest) }
        }
    }

    public func getStored(_ digest: Digest) async throws -> StoredBlob {
        try await BlockingIO.run {
            if let data = try self.packs.get(digest) { return StoredBlob(bytes: data, encoding: "") }
            return try self.folderBlob(digest) { try $0.getStored(digest) }
        }
    }

    /// A blob from the folder; if it is not there either and a pack is damaged, that is reported.
    private func folderBlob<T>(_ digest: Digest, _ read: (BlobFolder) throws -> T) throws -> T {
        let folder = BlobFolder(root: root)
        guard folder.location(of: digest) == nil, let damage = packs.damage else { return try read(folder) }
        throw CairnError.corrupt("blob \(digest) not found, and a pack is damaged: \(damage)")
    }

    public func contains(_ digest: Digest) async throws -> Bool {
        try await BlockingIO.run { try self.packs.contains(digest) || BlobFolder(root: self.root).location(of: digest) != nil }
    }

    public func storedEncoding(of digest: Digest) async throws -> String {
        try await BlockingIO.run {
            if try self.packs.contains(digest) { return "" }
            guard let location = BlobFolder(root: self.root).location(of: digest) else { throw CairnError.blobNotFound(digest) }
            return location.compressed ? "zstd" : ""
        }
    }

    // MARK: Sessions

    public func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        try await BlockingIO.run { try self.createSessionNow(info, initial: initial) }
    }

    private func createSessionNow(_ info: SessionInfo, initial: [EntryDraft]) throws -> [Entry] {
        let final = sessionDirectory(info.id)
        if FileIO.exists(final) { throw CairnError.sessionExists(info.id) }
        let entries = initial.enumerated().map { $0.element.entry(seq: info.forkPoint + $0.offset) }
        let staging = tmp + "/" + UUID().uuidString
        try FileIO.makeDirectory(staging)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        do {
            try FileIO.writeAtomically(try encoder.encode(info), to: staging + "/info.json", tmpDirectory: tmp)
            try FileIO.writeAtomically(entries.isEmpty ? Data() : try LogRecord.encode(entries), to: staging + "/log", tmpDirectory: tmp)
            if case .set(let due) = TimerEffect(of: initial) { try setTimer(info.id, due: due) }
            if rename(staging, final) != 0 {
                let code = errno
                if code == EEXIST || code == ENOTEMPTY { throw CairnError.sessionExists(info.id) }
                throw FileIO.failure("rename to", final, code)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        try FileIO.syncDirectory(root + "/sessions")
        infos.withLock { $0[info.id] = info }
        return entries
    }

    public func sessionInfo(_ id: SessionID) async throws -> SessionInfo {
        if let cached = infos.withLock({ $0[id] }) { return cached }
        return try await BlockingIO.run { try self.loadInfo(id) }
    }

    private func loadInfo(_ id: SessionID) throws -> SessionInfo {
        if let cached = infos.withLock({ $0[id] }) { return cached }
        guard let data = try FileIO.readFile(sessionDirectory(id) + "/info.json") else { throw CairnError.sessionNotFound(id) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let info: SessionInfo
        do { info = try decoder.decode(SessionInfo.self, from: data) } catch {
            throw CairnError.corrupt("\(sessionDirectory(id))/info.json: \(error)")
        }
        infos.withLock { $0[id] = info }
        return info
    }

    public func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) {
        try await BlockingIO.run {
            let index = try self.refreshedIndex(id)
            return (index.length, index.last)
        }
    }

    public func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] {
        try await BlockingIO.run { try self.readOwnNow(id, from: from, limit: limit) }
    }

    private func readOwnNow(_ id: SessionID, from: Int, limit: Int?) throws -> [Entry] {
        let index = try refreshedIndex(id)
        let upper = limit.map { from.addingReportingOverflow(max(0, $0)).overflow ? Int.max : from + max(0, $0) } ?? Int.max
        guard from < index.length, upper > from, let range = index.byteRange(seqs: from..<min(upper, index.length)) else { return [] }
        let path = logPath(id)
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let bytes = try FileIO.read(fd, from: range.lowerBound, count: Int(range.upperBound - range.lowerBound), path: path)
        let scan = try LogRecord.scan(bytes)
        return scan.records.flatMap(\.entries).filter { $0.seq >= from && $0.seq < upper }
    }

    public func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        try await BlockingIO.run { try self.appendNow(entries, to: id, expectedLength: expectedLength) }
    }

    private func appendNow(_ drafts: [EntryDraft], to id: SessionID, expectedLength: Int) throws -> [Entry] {
        let path = logPath(id)
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw CairnError.sessionNotFound(id) }
            throw FileIO.failure("open", path)
        }
        defer { close(fd) }  // closing releases the lock
        try FileIO.lock(fd, path: path)
        var index = try refreshedIndex(id, fd: fd)
        let size = try FileIO.size(fd, path: path)
        if size > index.end {
            try discardTornTail(fd: fd, path: path, from: index.end, size: size)
        }
        guard index.length == expectedLength else {
            throw CairnError.conflict(session: id, expected: expectedLength, actual: index.length)
        }
        guard !drafts.isEmpty else { return [] }
        let entries = drafts.enumerated().map { $0.element.entry(seq: expectedLength + $0.offset) }
        let effect = TimerEffect(of: drafts)
        if case .set(let due) = effect { try setTimer(id, due: due) }
        let record = try LogRecord.encode(entries)
        do {
            try FileIO.writeAll(fd, record, at: index.end, path: path)
            try FileIO.sync(fd, path: path)
        } catch {
            // Not acknowledged, so it must not be read either: cut it off while holding the lock.
            if ftruncate(fd, off_t(index.end)) == 0 { _ = fdatasync(fd) }
            throw error
        }
        index.add(entries: entries, at: index.end, length: Int64(record.count))
        store(index, for: id)
        if case .clear = effect, unlink(timerPath(id)) != 0, errno != ENOENT {
            logger.warning("could not remove timer file", metadata: ["path": "\(timerPath(id))"])
        }
        return entries
    }

    /// Truncates the bytes after the last valid record — left by a writer that crashed mid-append —
    /// unless a valid record follows them, which means corruption that must not be hidden.
    private func discardTornTail(fd: Int32, path: String, from end: Int64, size: Int64) throws {
        let tail = try FileIO.read(fd, from: end, count: Int(size - end), path: path)
        if LogRecord.validRecordFollows(tail, after: 0) {
            throw CairnError.corrupt(
                "\(path): bytes \(end)..<\(size) fail their checksum but valid records follow; refusing to truncate (restore the file from a backup or move the damaged part aside)"
            )
        }
        logger.warning("discarding a torn tail left by a crashed writer", metadata: ["path": "\(path)", "bytes": "\(size - end)"])
        if ftruncate(fd, off_t(end)) != 0 { throw FileIO.failure("truncate", path) }
        try FileIO.sync(fd, path: path)
    }

    public func listSessions() async throws -> [SessionInfo] {
        try await BlockingIO.run {
            let names = try FileIO.listDirectory(self.root + "/sessions")
            return try names.compactMap { try? SessionID($0) }.sorted().compactMap { id in
                do { return try self.loadInfo(id) } catch CairnError.sessionNotFound { return nil }
            }
        }
    }

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        try await BlockingIO.run {
            var due: [DueTimer] = []
            for name in try FileIO.listDirectory(self.root + "/timers") {
                guard let id = try? SessionID(name),
                    let data = try FileIO.readFile(self.timerPath(id)),
                    let millis = Int64(String(decoding: data, as: UTF8.self))
                else { continue }
                let time = Timestamps.date(milliseconds: millis)
                guard time <= now else { continue }
                let index: LogIndex
                do {
                    index = try self.refreshedIndex(id)
                } catch CairnError.sessionNotFound {
                    unlink(self.timerPath(id))  // left by a session whose creation never completed
                    continue
                } catch {
                    self.logger.error("cannot read a sleeping session; skipping its timer", metadata: ["session": "\(id)", "error": "\(error)"])
                    continue
                }
                if index.last?.event == .sleep, let wake = index.last?.wakeTime, Timestamps.milliseconds(wake) == millis {
                    due.append(DueTimer(session: id, due: time))
                } else {
                    try self.removeStaleTimer(id, millis: millis)
                }
            }
            return due.sorted { $0.due < $1.due }
        }
    }

    /// Removes a timer whose session moved on (a crash between the timer and the log, or between
    /// the log and the timer's removal). Appenders write timers under the log's lock, so the check
    /// is repeated under that lock: a timer set for an append in progress is never removed.
    private func removeStaleTimer(_ id: SessionID, millis: Int64) throws {
        let path = logPath(id)
        let fd = try FileIO.open(path, O_RDWR)
        defer { close(fd) }
        try FileIO.lock(fd, path: path)
        let index = try refreshedIndex(id, fd: fd)
        if index.last?.event == .sleep, let wake = index.last?.wakeTime, Timestamps.milliseconds(wake) == millis { return }
        guard let data = try FileIO.readFile(timerPath(id)), Int64(String(decoding: data, as: UTF8.self)) == millis else { return }
        unlink(timerPath(id))
    }

    private func setTimer(_ id: SessionID, due: Date) throws {
        try FileIO.writeAtomically(Data(String(Timestamps.milliseconds(due)).utf8), to: timerPath(id), tmpDirectory: tmp)
    }

    // MARK: Index

    private func store(_ index: LogIndex, for id: SessionID) {
        indexes.withLock { cache in
            if (cache[id]?.end ?? -1) <= index.end { cache[id] = index }
        }
    }

    /// The session's index, brought up to date with records other processes appended.
    private func refreshedIndex(_ id: SessionID, fd existing: Int32? = nil) throws -> LogIndex {
        let path = logPath(id)
        let fd: Int32
        if let existing {
            fd = existing
        } else {
            fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { throw CairnError.sessionNotFound(id) }
                throw FileIO.failure("open", path)
            }
        }
        defer { if existing == nil { close(fd) } }
        let size = try FileIO.size(fd, path: path)
        var index: LogIndex
        if let cached = indexes.withLock({ $0[id] }), cached.end <= size {
            index = cached
        } else {
            index = LogIndex(forkPoint: try loadInfo(id).forkPoint)
        }
        guard size > index.end else { return index }
        let bytes = try FileIO.read(fd, from: index.end, count: Int(size - index.end), path: path)
        let scan = try LogRecord.scan(bytes, lastOnly: true)
        if scan.tornTail, LogRecord.validRecordFollows(bytes, after: scan.validLength) {
            throw CairnError.corrupt(
                "\(path): the record at byte \(index.end + Int64(scan.validLength)) fails its checksum but valid records follow it; the log was damaged (restore it from a backup)"
            )
        }
        let base = index.end
        for record in scan.records {
            index.add(
                count: record.count, firstSeq: record.firstSeq, last: record.entries.last,
                at: base + Int64(record.offset), length: Int64(record.length))
        }
        store(index, for: id)
        return index
    }
}

/// Where each record of a session's log starts, so reads seek instead of scanning.
struct LogIndex {
    var forkPoint: Int
    var end: Int64 = 0
    var length: Int
    var last: Entry?
    var firstSeqs: [Int] = []
    var offsets: [Int64] = []

    init(forkPoint: Int) {
        self.forkPoint = forkPoint
        self.length = forkPoint
    }

    mutating func add(entries: [Entry], at offset: Int64, length recordLength: Int64) {
        add(count: entries.count, firstSeq: entries.first?.seq ?? 0, last: entries.last, at: offset, length: recordLength)
    }

    /// Records a record of `count` entries starting at `firstSeq`; `last` is its last entry when decoded.
    mutating func add(count: Int, firstSeq: Int, last newLast: Entry?, at offset: Int64, length recordLength: Int64) {
        end = offset + recordLength
        guard count > 0 else { return }
        firstSeqs.append(firstSeq)
        offsets.append(offset)
        length = firstSeq + count
        if let newLast { last = newLast }
    }

    /// The bytes holding the records that contain `seqs`.
    func byteRange(seqs: Range<Int>) -> Range<Int64>? {
        guard !firstSeqs.isEmpty, !seqs.isEmpty else { return nil }
        let startRecord = max(0, lastIndex(atOrBefore: seqs.lowerBound))
        var endRecord = lastIndex(atOrBefore: seqs.upperBound - 1) + 1
        endRecord = min(endRecord, offsets.count)
        let upper = endRecord < offsets.count ? offsets[endRecord] : end
        return offsets[startRecord]..<upper
    }

    private func lastIndex(atOrBefore seq: Int) -> Int {
        var low = 0, high = firstSeqs.count - 1, found = -1
        while low <= high {
            let mid = (low + high) / 2
            if firstSeqs[mid] <= seq { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }
}
