public import CairnCore
import CairnZstd
import Foundation
import Logging
import Synchronization

extension S3Store {
    /// What one compaction did.
    public struct Compaction: Sendable, Hashable {
        /// The segment written: sequence numbers `first..<end`.
        public var first: Int
        /// One past its last sequence number.
        public var end: Int
        /// How many batch objects it merged.
        public var batches: Int

        /// Creates a description of a compaction.
        public init(first: Int, end: Int, batches: Int) {
            self.first = first
            self.end = end
            self.batches = batches
        }
    }

    /// Merges the batch objects after the manifest's end into one segment object
    /// `sessions/<id>/segments/<first>-<end>` and records it in `sessions/<id>/manifest.json` by
    /// compare-and-swap (`If-Match` on the ETag read, `If-None-Match: *` for the first manifest).
    /// Batch objects are left in place: they stay the compare-and-swap witnesses of their positions.
    ///
    /// Safe to run at any time, from any number of processes: a compaction that loses the race
    /// for the manifest changes nothing but leaves an unreferenced segment object behind.
    /// - Returns: what was merged, or nil if there was nothing to merge (fewer than two batches)
    ///   or another compaction replaced the manifest first.
    /// - Throws: `CairnError.sessionNotFound`, `CairnError.corrupt`, `CairnError.storage`.
    @discardableResult
    public func compact(session id: SessionID) async throws -> Compaction? {
        let info = try await sessionInfo(id)
        try await refreshManifest(id)
        let state = logs.withLock { $0[id] } ?? S3LogState()
        let start = state.manifest?.end ?? info.forkPoint
        let listing = try await client.listObjects(prefix: layout.log(id), startAfter: layout.listStart(id, atOrAfter: start))
        let firsts = listing.objects.compactMap { layout.batchFirst($0.key, of: id) }
        guard firsts.count >= 2 else { return nil }
        guard firsts[0] == start else {
            throw CairnError.corrupt("\(client.location(layout.log(id))): the manifest ends at \(start) but the next batch starts at \(firsts[0])")
        }
        let batches = try await concurrentMap(firsts, limit: Self.parallelRequests) { try await self.loadBatch(id, first: $0) }
        var entries: [Entry] = []
        for (index, batch) in batches.enumerated() {
            guard batch.first?.seq == start + entries.count else {
                throw CairnError.corrupt("\(client.location(layout.batch(id, first: firsts[index]))) does not follow the batch before it")
            }
            entries += batch
        }
        let end = start + entries.count
        var body = EntryBatchCodec.encode(entries)
        let decodedSize = body.count
        var encoding = "identity"
        if let compressed = try? Zstd.compress(body), compressed.count < body.count - body.count / 16 {
            body = compressed
            encoding = "zstd"
        }
        // Same range, same batches, same bytes: an existing segment is another compactor's identical one.
        let segmentKey = layout.segment(id, first: start, end: end)
        _ = try await putChecked(segmentKey, body, contentType: "application/octet-stream", encoding: encoding, condition: .ifNoneMatch)
        cache.put(segmentKey, entries, bytes: decodedSize)

        var manifest = state.manifest ?? S3Manifest(end: info.forkPoint, segments: [])
        manifest.segments.append(S3Manifest.Segment(first: start, end: end, bytes: body.count, lastBatch: firsts[firsts.count - 1]))
        manifest.end = end
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let condition: S3Client.PutCondition = state.manifestETag.map { .ifMatch($0) } ?? .ifNoneMatch
        let result = try await putChecked(layout.manifest(id), try encoder.encode(manifest), contentType: "application/json", condition: condition)
        guard case .written(let etag) = result else {
            logger.debug("another compaction replaced the manifest first", metadata: ["session": "\(id)"])
            try await refreshManifest(id)
            return nil
        }
        logs.withLock { $0[id, default: S3LogState()].learn(manifest: manifest, etag: etag) }
        return Compaction(first: start, end: end, batches: firsts.count)
    }

    /// Reads the session's manifest (a conditional GET when one is cached) into the log state.
    func refreshManifest(_ id: SessionID) async throws {
        let key = layout.manifest(id)
        let cachedETag = logs.withLock { $0[id]?.manifestETag }
        switch try await client.getObject(key, ifNoneMatch: cachedETag) {
        case .notModified:
            return
        case .notFound:
            logs.withLock { $0[id, default: S3LogState()].learn(manifest: nil, etag: nil) }
        case .object(let object):
            let manifest: S3Manifest
            do { manifest = try JSONDecoder().decode(S3Manifest.self, from: try verified(object, key: key)) } catch let error as CairnError {
                throw error
            } catch {
                throw CairnError.corrupt("\(client.location(key)): \(error)")
            }
            guard manifest.version == 1 else {
                throw CairnError.corrupt("\(client.location(key)) has format version \(manifest.version); this Cairn reads version 1 (upgrade Cairn)")
            }
            for (index, segment) in manifest.segments.enumerated() {
                let follows = index == 0 || manifest.segments[index - 1].end == segment.first
                guard follows, segment.first < segment.end, (segment.first..<segment.end).contains(segment.lastBatch) else {
                    throw CairnError.corrupt("\(client.location(key)): segment \(segment.first)..<\(segment.end) does not continue the segments before it")
                }
            }
            guard manifest.end == manifest.segments.last?.end ?? manifest.end else {
                throw CairnError.corrupt("\(client.location(key)) ends at \(manifest.end) but its last segment at \(manifest.segments.last?.end ?? 0)")
            }
            logs.withLock { $0[id, default: S3LogState()].learn(manifest: manifest, etag: object.info.etag) }
        }
    }

    /// Starts a background compaction when enough batches follow the manifest and none runs here.
    func scheduleCompactionIfDue(_ id: SessionID) {
        guard let every = options.compactEvery else { return }
        let start = logs.withLock { logs -> Bool in
            guard var state = logs[id], !state.compacting, state.tail.count >= every else { return false }
            state.compacting = true
            logs[id] = state
            return true
        }
        guard start else { return }
        Task {
            defer { logs.withLock { $0[id]?.compacting = false } }
            do { try await compact(session: id) } catch {
                logger.warning(
                    "background compaction failed; the log stays readable from its batches",
                    metadata: ["session": "\(id)", "error": "\(error)"])
            }
        }
    }
}
