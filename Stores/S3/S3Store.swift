public import CairnCore
import CairnZstd
public import Foundation
public import Logging
import Synchronization

/// A store in an S3 bucket (`s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1`):
/// AWS S3, MinIO, Cloudflare R2 or any server with conditional writes.
///
/// Every append creates one object, `sessions/<id>/log/<first seq>`, with `If-None-Match: *`:
/// of two writers racing for one position exactly one creates the key, the other gets HTTP 412
/// and a conflict. Batch objects are never deleted or overwritten; compaction copies runs of them
/// into segment objects listed by a manifest replaced by compare-and-swap on its ETag, so reads of
/// long logs take a few large GETs. Object layout and guarantees: Docs/s3-store.md.
public final class S3Store: Store {
    /// Tuning of an S3 store.
    public struct Options: Sendable {
        /// The key prefix everything lives under (`""` for the bucket's root).
        public var prefix: String
        /// Compact a session in the background once this many batches follow its manifest; nil never.
        public var compactEvery: Int?
        /// The most bytes of batches and segments (in their uncompressed binary form) kept decoded in memory.
        public var cacheBytes: Int
        /// How old a timer object that no longer matches its session must be before `dueTimers`
        /// deletes it (a younger one may belong to an append still in flight).
        public var staleTimerGrace: Duration

        /// Creates options.
        public init(prefix: String = "", compactEvery: Int? = 64, cacheBytes: Int = 64 << 20, staleTimerGrace: Duration = .seconds(600)) {
            self.prefix = prefix
            self.compactEvery = compactEvery.map { max(1, $0) }
            self.cacheBytes = cacheBytes
            self.staleTimerGrace = staleTimerGrace
        }
    }

    /// The client every request goes through (its counters tell how many were made).
    public let client: S3Client
    /// The options the store was opened with.
    public let options: Options
    let layout: S3Layout
    let logger: Logger
    let infos = Mutex<[SessionID: SessionInfo]>([:])
    let logs = Mutex<[SessionID: S3LogState]>([:])
    let cache: S3ObjectCache
    private let knownBlobs = Mutex<Set<Digest>>([])

    /// Bodies at least this large that shrink by at least 1/16 are stored zstd-compressed.
    static let compressionThreshold = 128
    /// Requests one operation runs at once (reading segments and batches, listing sessions).
    static let parallelRequests = 8

    /// Opens a store over `client`'s bucket. Opening makes no request: a missing bucket or wrong
    /// credentials show up in the first operation's error.
    public init(client: S3Client, options: Options = Options(), logger: Logger = Logger(label: "cairn.store.s3")) {
        self.client = client
        self.options = options
        self.layout = S3Layout(prefix: options.prefix)
        self.logger = logger
        self.cache = S3ObjectCache(budget: options.cacheBytes)
    }

    // MARK: Blobs

    public func put(_ data: Data) async throws -> Digest {
        let digest = Digest(of: data)
        if knownBlobs.withLock({ $0.contains(digest) }) { return digest }
        let key = layout.blob(digest)
        // A large body already there is not uploaded again just to be refused.
        if data.count >= 1 << 20, try await client.headObject(key) != nil {
            remember(digest)
            return digest
        }
        var bytes = data, encoding = "identity"
        if data.count >= Self.compressionThreshold, let compressed = try? Zstd.compress(data), compressed.count < data.count - data.count / 16 {
            bytes = compressed
            encoding = "zstd"
        }
        // If-None-Match: an existing blob has the same bytes, so it is simply kept.
        _ = try await client.putObject(
            key, body: bytes, contentType: "application/octet-stream",
            metadata: [S3Metadata.encoding: encoding], condition: .ifNoneMatch)
        remember(digest)
        return digest
    }

    private func remember(_ digest: Digest) {
        knownBlobs.withLock { known in
            if known.count >= 100_000 { known.removeAll(keepingCapacity: true) }
            known.insert(digest)
        }
    }

    public func getStored(_ digest: Digest) async throws -> StoredBlob {
        guard case .object(let object) = try await client.getObject(layout.blob(digest), large: true) else {
            throw CairnError.blobNotFound(digest)
        }
        return StoredBlob(bytes: object.body, encoding: Self.encoding(object.info))
    }

    public func get(_ digest: Digest) async throws -> Data {
        let stored = try await getStored(digest)
        var data = stored.bytes
        if stored.encoding == "zstd" {
            do { data = try Zstd.decompress(stored.bytes) } catch {
                throw CairnError.corrupt("blob \(client.location(layout.blob(digest))): \(error)")
            }
        }
        guard Digest(of: data) == digest else {
            throw CairnError.corrupt("blob \(client.location(layout.blob(digest))) does not match its digest (the object was changed outside Cairn)")
        }
        return data
    }

    public func contains(_ digest: Digest) async throws -> Bool {
        if knownBlobs.withLock({ $0.contains(digest) }) { return true }
        return try await client.headObject(layout.blob(digest)) != nil
    }

    public func storedEncoding(of digest: Digest) async throws -> String {
        guard let info = try await client.headObject(layout.blob(digest)) else { throw CairnError.blobNotFound(digest) }
        return Self.encoding(info)
    }

    private static func encoding(_ info: S3Client.ObjectInfo) -> String {
        info.metadata[S3Metadata.encoding] == "zstd" ? "zstd" : ""
    }

    // MARK: Sessions

    public func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        let entries = initial.enumerated().map { $0.element.entry(seq: info.forkPoint + $0.offset) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        // Claim the id first: of two creators exactly one creates info.json.
        let claimed = try await putChecked(layout.info(info.id), try encoder.encode(info), contentType: "application/json", condition: .ifNoneMatch)
        guard case .written = claimed else { throw CairnError.sessionExists(info.id) }
        infos.withLock { $0[info.id] = info }
        logs.withLock { logs in
            var state = S3LogState()
            state.manifestLoaded = true
            state.length = info.forkPoint
            logs[info.id] = state
        }
        guard !entries.isEmpty else { return [] }
        let effect = TimerEffect(of: initial)
        if case .set(let due) = effect { try await putTimer(info.id, due: due) }
        try await writeBatch(entries, to: info.id, at: info.forkPoint)
        try await afterAppend(info.id, effect: effect, previous: nil)
        return entries
    }

    public func sessionInfo(_ id: SessionID) async throws -> SessionInfo {
        if let cached = infos.withLock({ $0[id] }) { return cached }
        let key = layout.info(id)
        guard case .object(let object) = try await client.getObject(key) else { throw CairnError.sessionNotFound(id) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let info: SessionInfo
        do { info = try decoder.decode(SessionInfo.self, from: try verified(object, key: key)) } catch let error as CairnError {
            throw error
        } catch {
            throw CairnError.corrupt("\(client.location(key)): \(error)")
        }
        guard info.id == id else { throw CairnError.corrupt("\(client.location(key)) holds session \(info.id)") }
        infos.withLock { $0[id] = info }
        return info
    }

    public func listSessions() async throws -> [SessionInfo] {
        let listing = try await client.listObjects(prefix: layout.sessions, delimiter: "/")
        let ids = Array(Set(listing.commonPrefixes.compactMap { layout.sessionID(inPrefix: $0) })).sorted()
        let infos = try await concurrentMap(ids, limit: Self.parallelRequests) { id -> SessionInfo? in
            do { return try await self.sessionInfo(id) } catch CairnError.sessionNotFound { return nil }
        }
        return infos.compactMap { $0 }
    }
}

/// The user metadata names of the store's objects.
enum S3Metadata {
    /// `zstd` or `identity`: how a blob or segment body is stored.
    static let encoding = "cairn-encoding"
    /// The hex SHA-256 of a log object's stored body, checked on every read.
    static let checksum = "cairn-sha256"
}
