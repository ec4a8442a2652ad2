public import Foundation

/// A blob as a store keeps it: the bytes and the encoding they are in (`""` or `zstd`).
public struct StoredBlob: Sendable {
    /// The stored bytes.
    public var bytes: Data
    /// Their encoding: `""` (the decoded body itself) or `zstd`.
    public var encoding: String

    /// Creates a stored blob.
    public init(bytes: Data, encoding: String) {
        self.bytes = bytes
        self.encoding = encoding
    }
}

/// Content-addressed storage of object bodies.
///
/// Requirements every conforming store must meet (checked by the conformance kit):
/// - `put` is idempotent and durable when it returns: a later `get` of the digest, also from
///   another process or after a crash, returns the same bytes.
/// - `get` returns exactly the bytes that were put, whatever encoding the store chose.
public protocol BlobStore: Sendable {
    /// Stores `data` and returns its digest. Durable on return.
    /// - Throws: `CairnError.storage` when the medium fails.
    func put(_ data: Data) async throws -> Digest

    /// The decoded bytes of the blob.
    /// - Throws: `CairnError.blobNotFound` if absent, `CairnError.corrupt` if it fails its checksum.
    func get(_ digest: Digest) async throws -> Data

    /// The blob as stored, possibly compressed, for serving without decoding.
    /// - Throws: as `get`.
    func getStored(_ digest: Digest) async throws -> StoredBlob

    /// Whether the blob exists.
    func contains(_ digest: Digest) async throws -> Bool

    /// The encoding ``getStored(_:)`` would report, without reading the bytes.
    /// - Throws: `CairnError.blobNotFound` if absent.
    func storedEncoding(of digest: Digest) async throws -> String
}

extension BlobStore {
    /// The decoded body of `entry`, or empty data for an entry without one.
    /// - Throws: `CairnError.blobNotFound`, `CairnError.corrupt`.
    public func body(of entry: Entry) async throws -> Data {
        guard let digest = entry.digest else { return Data() }
        return try await get(digest)
    }

    /// Default: blobs are stored decoded.
    public func storedEncoding(of digest: Digest) async throws -> String {
        guard try await contains(digest) else { throw CairnError.blobNotFound(digest) }
        return ""
    }

    /// Default: the blob is served decoded.
    public func getStored(_ digest: Digest) async throws -> StoredBlob {
        StoredBlob(bytes: try await get(digest), encoding: "")
    }
}

/// The last entry and length of a session's log: what a runtime polls to find work.
public struct SessionHead: Sendable, Hashable {
    /// The session.
    public var info: SessionInfo
    /// The logical length of its log (inherited entries included).
    public var length: Int
    /// Its last entry, inherited or own; nil only for an empty log.
    public var last: Entry?

    /// Creates a head.
    public init(info: SessionInfo, length: Int, last: Entry?) {
        self.info = info
        self.length = length
        self.last = last
    }
}

/// A session whose sleep is due.
public struct DueTimer: Sendable, Hashable {
    /// The sleeping session.
    public var session: SessionID
    /// When it is due.
    public var due: Date

    /// Creates a due timer.
    public init(session: SessionID, due: Date) {
        self.session = session
        self.due = due
    }
}

/// Storage of session logs.
///
/// A store holds each session's *own* entries, numbered from its `forkPoint`; Core's
/// ``SessionLog`` joins the inherited parent entries. Requirements (checked by the conformance kit):
/// - `append` is all-or-nothing and compare-and-swap: it succeeds only if the session's logical
///   length is exactly `expectedLength`, assigns sequence numbers `expectedLength...`, and is
///   durable when it returns. Otherwise it throws `CairnError.conflict` and changes nothing.
/// - Two appends racing for the same length, from any number of processes, never both succeed.
/// - A crash mid-append leaves the log as it was before it or with the whole batch; never a part.
/// - Timers: after an append whose last entry is a `sleep`, `dueTimers` reports the session once its
///   `until` time has passed; after any later append it no longer does.
public protocol LogStore: Sendable {
    /// Creates a session whose own log starts with `initial` (typically a `start` or `fork` entry).
    /// - Throws: `CairnError.sessionExists` if the id is taken.
    func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry]

    /// The session's information.
    /// - Throws: `CairnError.sessionNotFound`.
    func sessionInfo(_ id: SessionID) async throws -> SessionInfo

    /// The session's logical length and its last own entry (nil if it has none yet).
    /// - Throws: `CairnError.sessionNotFound`.
    func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?)

    /// Appends `entries` if the logical length is `expectedLength`; returns them with their sequence numbers.
    /// - Throws: `CairnError.conflict` if the length differs, `CairnError.sessionNotFound`, `CairnError.storage`.
    func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry]

    /// The session's own entries with sequence numbers in `from..<(from + limit)`, oldest first.
    /// Entries before the fork point are not returned (they belong to the parent).
    /// - Throws: `CairnError.sessionNotFound`, `CairnError.corrupt`.
    func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry]

    /// Every session in the store, oldest first.
    func listSessions() async throws -> [SessionInfo]

    /// Sessions whose last entry is a `sleep` due at or before `now`.
    func dueTimers(at now: Date) async throws -> [DueTimer]
}

/// A store: blobs and logs. Every store passes `CairnStoreConformance`.
public protocol Store: BlobStore, LogStore {}
