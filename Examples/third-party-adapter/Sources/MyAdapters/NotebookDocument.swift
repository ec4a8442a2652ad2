import CairnCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything a notebook holds, in memory, and its file format.
///
/// The file is one JSON object (keys sorted, so the same state always gives the same bytes):
///
/// ```json
/// {
///   "format": "cairn-notebook", "version": 1,
///   "sessions": [{"id": "01K…", "parent": null, "fork_point": 0, "agent": "assistant",
///                 "metadata": {}, "created_ms": 1800000000000, "wake_ms": null,
///                 "entries": [{"seq": 0, "event": "start", "header": {}, "digest": null,
///                              "size": 0, "time_ms": 1800000000000, "source": "cli"}]}],
///   "blobs": {"<sha-256 hex>": "<base64>"}
/// }
/// ```
///
/// Times are whole milliseconds since 1970, the precision Cairn's entries carry, so they
/// round-trip exactly. Each session lists its *own* entries, numbered from its fork point.
struct NotebookDocument: Sendable {
    /// One session as held in memory.
    struct Session: Sendable {
        var info: SessionInfo
        var entries: [Entry]
        /// When its last entry, a `sleep`, is due; nil if it does not sleep.
        var wake: Date?

        /// The logical length of its log: the inherited entries and its own.
        var length: Int { info.forkPoint + entries.count }
    }

    var sessions: [SessionID: Session] = [:]
    var blobs: [Digest: Data] = [:]

    static let format = "cairn-notebook"
    static let version = 1

    /// Reads and checks the notebook file at `path`.
    /// - Throws: `CairnError.storage` if it cannot be read; `CairnError.corrupt` if it is not a
    ///   version-1 notebook or fails a check (numbering, digests).
    static func load(_ path: String) throws -> NotebookDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CairnError.storage("cannot read the notebook \(path): \(error.localizedDescription)")
        }
        let file: FileForm
        do {
            file = try JSONDecoder().decode(FileForm.self, from: data)
        } catch {
            throw CairnError.corrupt("\(path) is not a Cairn notebook (JSON with \"format\": \"\(format)\"): \(error)")
        }
        guard file.format == format, file.version == version else {
            throw CairnError.corrupt("\(path) is a '\(file.format)' document of version \(file.version); this build reads \(format) version \(version)")
        }
        var document = NotebookDocument()
        for (hex, bytes) in file.blobs {
            guard let digest = try? Digest(hex: hex), Digest(of: bytes) == digest else {
                throw CairnError.corrupt("\(path): the blob filed under '\(hex.prefix(80))' does not have that SHA-256 digest")
            }
            document.blobs[digest] = bytes
        }
        for session in file.sessions {
            let converted = try session.session(in: path)
            guard document.sessions[converted.info.id] == nil else {
                throw CairnError.corrupt("\(path): session \(converted.info.id) is listed twice")
            }
            document.sessions[converted.info.id] = converted
        }
        return document
    }

    /// Writes the document to `path` atomically and durably.
    /// - Throws: `CairnError.storage` naming the step that failed.
    func save(_ path: String) throws {
        let file = FileForm(
            format: Self.format, version: Self.version,
            sessions: sessions.values.sorted { $0.info.id < $1.info.id }.map(SessionForm.init),
            blobs: Dictionary(uniqueKeysWithValues: blobs.map { ($0.key.hex, $0.value) }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(file)
        } catch {
            throw CairnError.storage("cannot encode the notebook \(path): \(error)")
        }
        try NotebookIO.replace(path, with: data)
    }

    // MARK: The file's shape

    struct FileForm: Codable {
        var format: String
        var version: Int
        var sessions: [SessionForm]
        var blobs: [String: Data]
    }

    struct SessionForm: Codable {
        var id: SessionID
        var parent: SessionID?
        var forkPoint: Int
        var agent: String
        var metadata: [String: String]
        var createdMilliseconds: Int64
        var wakeMilliseconds: Int64?
        var entries: [EntryForm]

        enum CodingKeys: String, CodingKey {
            case id, parent, agent, metadata, entries
            case forkPoint = "fork_point", createdMilliseconds = "created_ms", wakeMilliseconds = "wake_ms"
        }

        init(_ session: Session) {
            id = session.info.id
            parent = session.info.parent
            forkPoint = session.info.forkPoint
            agent = session.info.agent
            metadata = session.info.metadata
            createdMilliseconds = Timestamps.milliseconds(session.info.created)
            wakeMilliseconds = session.wake.map(Timestamps.milliseconds)
            entries = session.entries.map(EntryForm.init)
        }

        /// The session in memory, after checking that its entries are numbered densely from its fork point.
        func session(in path: String) throws -> Session {
            let info = SessionInfo(
                id: id, parent: parent, forkPoint: forkPoint, agent: agent, metadata: metadata,
                created: Timestamps.date(milliseconds: createdMilliseconds))
            let converted = entries.map(\.entry)
            for (offset, entry) in converted.enumerated() where entry.seq != forkPoint + offset {
                throw CairnError.corrupt("\(path): entry \(offset) of session \(id) has seq \(entry.seq), expected \(forkPoint + offset)")
            }
            return Session(info: info, entries: converted, wake: wakeMilliseconds.map(Timestamps.date(milliseconds:)))
        }
    }

    struct EntryForm: Codable {
        var seq: Int
        var event: EventKind
        var header: ObjectHeader
        var digest: Digest?
        var size: Int
        var timeMilliseconds: Int64
        var source: String

        enum CodingKeys: String, CodingKey {
            case seq, event, header, digest, size, source
            case timeMilliseconds = "time_ms"
        }

        init(_ entry: Entry) {
            seq = entry.seq
            event = entry.event
            header = entry.header
            digest = entry.digest
            size = entry.size
            timeMilliseconds = Timestamps.milliseconds(entry.time)
            source = entry.source
        }

        var entry: Entry {
            Entry(seq: seq, event: event, header: header, digest: digest, size: size, time: Timestamps.date(milliseconds: timeMilliseconds), source: source)
        }
    }
}

/// The POSIX calls of an atomic, durable file replacement.
enum NotebookIO {
    /// A storage error for `what`, with the current `errno`'s message.
    static func failure(_ what: String) -> CairnError {
        .storage("\(what): \(String(cString: strerror(errno)))")
    }

    /// Replaces the file at `path` with `data`: writes `PATH.tmp`, fsyncs it, renames it over
    /// `path`, and fsyncs the folder, so after a crash the file is the old one or the new one.
    /// - Throws: `CairnError.storage` naming the step that failed; the old file is kept.
    static func replace(_ path: String, with data: Data) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create \(temporary)") }
        do {
            try writeAll(data, to: descriptor, path: temporary)
            guard fsync(descriptor) == 0 else { throw failure("cannot fsync \(temporary)") }
            guard close(descriptor) == 0 else { throw failure("cannot close \(temporary)") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
        let folder = (path as NSString).deletingLastPathComponent
        let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_CLOEXEC)
        guard folderDescriptor >= 0 else { throw failure("cannot open the folder \(folder) to fsync it") }
        defer { close(folderDescriptor) }
        guard fsync(folderDescriptor) == 0 else { throw failure("cannot fsync the folder \(folder)") }
    }

    /// Writes every byte of `data`, retrying short writes and interruptions.
    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write \(path)")
                }
                offset += written
            }
        }
    }
}
