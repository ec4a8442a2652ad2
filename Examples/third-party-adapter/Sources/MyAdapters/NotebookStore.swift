import CairnCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Cairn store in one JSON document: every session's log, every session's information and
/// every blob live in a single file (`notebook:///abs/path/notes.json`) that is rewritten
/// atomically — written to a temporary file, fsynced, renamed over the old one, and the folder
/// fsynced — before each write returns. A crash leaves the previous document or the new one,
/// never a mixture, so an acknowledged append is never lost and a refused one never half-lands.
///
/// It is a teaching store, not a fast one: every write rewrites the whole document, so it suits
/// small notebooks (demos, tests, a personal assistant's history), not millions of entries.
///
/// **One process at a time.** The first instance in a process takes an exclusive `flock` on
/// `PATH.lock` for the life of the process; every later instance over the same path in that
/// process shares its state (so they see each other's writes at once, and compare-and-swap
/// holds between them). Another process opening the same notebook while it is held is refused
/// with an error naming the path. Run commands one after another, or use `sqlite://` or
/// `file://` for stores shared between processes.
public final class NotebookStore: Store {
    /// The URL scheme the store registers: `notebook:///abs/path/notes.json`.
    public static let scheme = "notebook"

    /// The notebook file.
    public let path: String
    private let notebook: Notebook

    /// Opens the notebook at `path` (an absolute path), creating an empty one if `create` is
    /// true and there is none.
    /// - Throws: `CairnError.invalidArgument` if `path` is relative, or the notebook does not exist
    ///   and `create` is false; `CairnError.storage` if another process holds it or the file
    ///   cannot be read or written; `CairnError.corrupt` if the file is not a notebook.
    public init(path: String, create: Bool = true) throws {
        guard path.hasPrefix("/") else {
            throw CairnError.invalidArgument("notebook path '\(path)' is relative; give an absolute path, e.g. notebook:///tmp/notes.json")
        }
        let standardized = (path as NSString).standardizingPath
        self.path = standardized
        notebook = try Notebook.shared(standardized, create: create)
    }

    /// Opens the notebook named by a `notebook:///abs/path/notes.json` URL.
    /// - Throws: `CairnError.unsupportedStore` for another scheme or a URL with a host
    ///   (`notebook://notes.json`); otherwise as ``init(path:create:)``.
    public convenience init(url: URL, create: Bool = true) throws {
        guard url.scheme?.lowercased() == Self.scheme else {
            throw CairnError.unsupportedStore("'\(url.absoluteString)' is not a notebook:// URL")
        }
        if let host = url.host, !host.isEmpty {
            throw CairnError.unsupportedStore(
                "'\(url.absoluteString)' names a host ('\(host)'); a notebook URL has three slashes and an absolute path: notebook:///abs/path/notes.json")
        }
        guard !url.path.isEmpty, url.path != "/" else {
            throw CairnError.unsupportedStore("'\(url.absoluteString)' names no file; use notebook:///abs/path/notes.json")
        }
        try self.init(path: url.path, create: create)
    }

    /// Registers the `notebook://` scheme, so `-b notebook:///abs/path/notes.json` (and a
    /// server's `store:`) open this store.
    public static func register(in components: inout Components) {
        components.stores.register(scheme: scheme, summary: "one JSON document per file, fsynced and renamed on each append") { url, create in
            try NotebookStore(url: url, create: create)
        }
    }

    // MARK: Blobs

    /// Stores `data` in the notebook (once per digest) and returns its digest; durable on return.
    public func put(_ data: Data) async throws -> Digest {
        let digest = Digest(of: data)
        if notebook.committed.withLock({ $0.blobs[digest] != nil }) { return digest }
        try await notebook.write { document in
            document.blobs[digest] = data
        }
        return digest
    }

    /// The bytes stored under `digest`.
    /// - Throws: `CairnError.blobNotFound`.
    public func get(_ digest: Digest) async throws -> Data {
        guard let data = notebook.committed.withLock({ $0.blobs[digest] }) else { throw CairnError.blobNotFound(digest) }
        return data
    }

    /// Whether a blob with `digest` is stored.
    public func contains(_ digest: Digest) async throws -> Bool {
        notebook.committed.withLock { $0.blobs[digest] != nil }
    }

    // MARK: Logs

    /// Creates a session whose own entries start with `initial`, numbered from its fork point.
    /// - Throws: `CairnError.sessionExists`; `CairnError.storage`.
    public func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        try await notebook.write { document in
            guard document.sessions[info.id] == nil else { throw CairnError.sessionExists(info.id) }
            let entries = initial.enumerated().map { $0.element.entry(seq: info.forkPoint + $0.offset) }
            var wake: Date?
            if case .set(let due) = TimerEffect(of: initial) { wake = due }
            document.sessions[info.id] = NotebookDocument.Session(info: info, entries: entries, wake: wake)
            return entries
        }
    }

    /// The session's information.
    /// - Throws: `CairnError.sessionNotFound`.
    public func sessionInfo(_ id: SessionID) async throws -> SessionInfo {
        try notebook.read(id) { $0.info }
    }

    /// The session's logical length and its last own entry.
    /// - Throws: `CairnError.sessionNotFound`.
    public func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) {
        try notebook.read(id) { ($0.length, $0.entries.last) }
    }

    /// Appends `entries` if the session's logical length is `expectedLength`, durably.
    /// - Throws: `CairnError.conflict` (nothing written), `CairnError.sessionNotFound`, `CairnError.storage`.
    public func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        // Check before taking the write path, so a losing racer costs no file I/O; the check is
        // repeated under the write lock, where it decides.
        let length = try notebook.read(id) { $0.length }
        guard length == expectedLength else { throw CairnError.conflict(session: id, expected: expectedLength, actual: length) }
        return try await notebook.write { document in
            guard var session = document.sessions[id] else { throw CairnError.sessionNotFound(id) }
            guard session.length == expectedLength else {
                throw CairnError.conflict(session: id, expected: expectedLength, actual: session.length)
            }
            guard !entries.isEmpty else { return [] }
            let appended = entries.enumerated().map { $0.element.entry(seq: expectedLength + $0.offset) }
            session.entries.append(contentsOf: appended)
            switch TimerEffect(of: entries) {
            case .set(let due): session.wake = due
            case .clear: session.wake = nil
            case .unchanged: break
            }
            document.sessions[id] = session
            return appended
        }
    }

    /// The session's own entries with sequence numbers in `from..<(from + limit)`.
    /// - Throws: `CairnError.sessionNotFound`.
    public func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] {
        try notebook.read(id) { session in
            let start = max(0, from - session.info.forkPoint)
            guard start < session.entries.count else { return [] }
            let end = limit.map { min(session.entries.count, start + max(0, $0)) } ?? session.entries.count
            return Array(session.entries[start..<end])
        }
    }

    /// Every session, by id (oldest first).
    public func listSessions() async throws -> [SessionInfo] {
        notebook.committed.withLock { $0.sessions.values.map(\.info).sorted { $0.id < $1.id } }
    }

    /// The sessions whose last entry is a `sleep` due at or before `now`, soonest first.
    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        notebook.committed.withLock { document in
            document.sessions.values.compactMap { session in
                guard let wake = session.wake, wake <= now else { return nil }
                return DueTimer(session: session.info.id, due: wake)
            }.sorted { $0.due < $1.due }
        }
    }
}

/// The state of one notebook file in this process, shared by every ``NotebookStore`` over it.
///
/// Two locks: `writer` serializes writes for as long as a write takes (including its file I/O,
/// which runs on ``BlockingIO``'s threads, never on Swift's cooperative ones), and `committed`
/// guards the document as it is on disk, held only to copy or swap it. Readers therefore never
/// wait for a write's fsync, and see a write only once it is durable.
final class Notebook: Sendable {
    /// Every notebook open in this process, by path.
    private static let registry = Mutex<[String: Notebook]>([:])

    let path: String
    /// The document as last written to disk.
    let committed: Mutex<NotebookDocument>
    private let writer = Mutex(())
    /// The descriptor holding the `flock` on `PATH.lock`; kept open for the life of the process.
    private let lockDescriptor: Int32

    private init(path: String, document: NotebookDocument, lockDescriptor: Int32) {
        self.path = path
        committed = Mutex(document)
        self.lockDescriptor = lockDescriptor
    }

    /// The notebook at `path`, shared with other instances of this process.
    static func shared(_ path: String, create: Bool) throws -> Notebook {
        try registry.withLock { registry in
            if let existing = registry[path] { return existing }
            let exists = FileManager.default.fileExists(atPath: path)
            guard exists || create else {
                throw CairnError.invalidArgument(
                    "no notebook at \(path); create one with 'start -b notebook://\(path)' (or any command that creates its store, such as 'agent run')")
            }
            if !exists {
                do {
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                } catch {
                    throw CairnError.storage("cannot create the folder of the notebook \(path): \(error.localizedDescription)")
                }
            }
            let descriptor = try lock(path + ".lock")
            do {
                let document: NotebookDocument
                if exists {
                    document = try NotebookDocument.load(path)
                } else {
                    document = NotebookDocument()
                    try document.save(path)
                }
                let notebook = Notebook(path: path, document: document, lockDescriptor: descriptor)
                registry[path] = notebook
                return notebook
            } catch {
                close(descriptor)
                throw error
            }
        }
    }

    /// An exclusive, non-blocking `flock` on `lockPath`.
    private static func lock(_ lockPath: String) throws -> Int32 {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw NotebookIO.failure("cannot open the lock file \(lockPath)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let failure = NotebookIO.failure("cannot lock \(lockPath)")
            close(descriptor)
            if busy {
                throw CairnError.storage(
                    "the notebook \(lockPath.dropLast(5)) is open in another process; a notebook serves one process at a time (wait for it to exit, or use a sqlite:// or file:// store to share sessions between processes)"
                )
            }
            throw failure
        }
        return descriptor
    }

    /// Runs `body` on the session `id` as committed.
    /// - Throws: `CairnError.sessionNotFound`; what `body` throws.
    func read<T>(_ id: SessionID, _ body: (NotebookDocument.Session) throws -> T) throws -> T {
        try committed.withLock { document in
            guard let session = document.sessions[id] else { throw CairnError.sessionNotFound(id) }
            return try body(session)
        }
    }

    /// Changes a copy of the document with `change`, writes it durably, then makes it the
    /// committed one. If `change` throws, nothing is written; if writing fails, the committed
    /// document (and the file) stay as they were.
    /// - Throws: what `change` throws; `CairnError.storage` when the file cannot be written.
    func write<T: Sendable>(_ change: @escaping @Sendable (inout NotebookDocument) throws -> T) async throws -> T {
        try await BlockingIO.run { [self] in
            try writer.withLock { _ in
                var document = committed.withLock { $0 }
                let result = try change(&document)
                try document.save(path)
                let updated = document
                committed.withLock { $0 = updated }
                return result
            }
        }
    }

    deinit {
        close(lockDescriptor)
    }
}
