public import CairnCore
import CairnZstd
import Crypto
import Foundation
import Synchronization

extension S3Store {
    // MARK: Appending

    public func append(_ drafts: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        let info = try await sessionInfo(id)
        // The check. A length this instance saw is a witness that the batch ending there exists
        // (batches are never deleted), so it needs no request; any other expectation is checked
        // against a fresh listing.
        var previous = logs.withLock { $0[id] }.flatMap { state in state.length.map { (length: $0, last: state.last) } }
        if previous?.length != expectedLength {
            previous = try await head(id, info: info)
        }
        guard let previous, previous.length == expectedLength else {
            throw CairnError.conflict(session: id, expected: expectedLength, actual: previous?.length ?? info.forkPoint)
        }
        guard !drafts.isEmpty else { return [] }
        let entries = drafts.enumerated().map { $0.element.entry(seq: expectedLength + $0.offset) }
        let effect = TimerEffect(of: drafts)
        if case .set(let due) = effect { try await putTimer(id, due: due) }
        // The conditional create: whoever appends at this length must create exactly this key.
        try await writeBatch(entries, to: id, at: expectedLength)
        try await afterAppend(id, effect: effect, previous: previous.last)
        scheduleCompactionIfDue(id)
        return entries
    }

    /// Creates `log/<first>` with `If-None-Match: *` and records the new head.
    /// - Throws: `CairnError.conflict` with the actual length if the key exists.
    func writeBatch(_ entries: [Entry], to id: SessionID, at first: Int) async throws {
        let key = layout.batch(id, first: first)
        let body = EntryBatchCodec.encode(entries)
        guard case .written = try await putChecked(key, body, contentType: "application/octet-stream", condition: .ifNoneMatch) else {
            let actual = try await head(id, info: try await sessionInfo(id)).length
            throw CairnError.conflict(session: id, expected: first, actual: actual)
        }
        cache.put(key, entries, bytes: body.count)
        logs.withLock { $0[id, default: S3LogState()].learn(length: first + entries.count, last: entries.last, batches: [first]) }
    }

    // MARK: The head

    public func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) {
        let info = try await sessionInfo(id)
        let head = try await head(id, info: info)
        return (head.length, head.last)
    }

    /// The session's current length and last own entry: what this instance knows, brought up to
    /// date by listing the batch keys after it (one LIST, plus a GET of a new last batch).
    func head(_ id: SessionID, info: SessionInfo) async throws -> (length: Int, last: Entry?) {
        var state = logs.withLock { $0[id] } ?? S3LogState()
        if !state.manifestLoaded {
            try await refreshManifest(id)
            state = logs.withLock { $0[id] } ?? state
        }
        let manifestEnd = state.manifest?.end ?? info.forkPoint
        let base = max(state.length ?? manifestEnd, info.forkPoint)
        let listing = try await client.listObjects(prefix: layout.log(id), startAfter: layout.listStart(id, atOrAfter: base))
        let firsts = listing.objects.compactMap { layout.batchFirst($0.key, of: id) }
        if let lastFirst = firsts.last {
            guard firsts[0] == base else {
                throw CairnError.corrupt("\(client.location(layout.log(id))): the log reaches \(base) entries but its next batch starts at \(firsts[0])")
            }
            let batch = try await loadBatch(id, first: lastFirst)
            logs.withLock { $0[id, default: S3LogState()].learn(length: lastFirst + batch.count, last: batch.last, batches: firsts) }
        } else if state.length == nil {
            // Nothing after the manifest: the last entry is in the last batch it merged.
            var last: Entry?
            if let segment = state.manifest?.segments.last {
                last = try await loadBatch(id, first: segment.lastBatch).last
            }
            logs.withLock { $0[id, default: S3LogState()].learn(length: base, last: last, batches: []) }
        }
        let known = logs.withLock { $0[id] }
        return (known?.length ?? base, known?.last)
    }

    // MARK: Reading

    public func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] {
        let info = try await sessionInfo(id)
        let head = try await head(id, info: info)
        let start = max(from, info.forkPoint)
        let requested = limit.map { from.addingReportingOverflow(max(0, $0)) }
        let upper = min(head.length, requested.map { $0.overflow ? Int.max : $0.partialValue } ?? Int.max)
        guard start < upper else { return [] }
        if let every = options.compactEvery, (logs.withLock { $0[id]?.tail.count } ?? 0) >= every {
            try await refreshManifest(id)  // another instance may have compacted: fewer, larger reads
        }
        let state = logs.withLock { $0[id] } ?? S3LogState()
        let manifestEnd = state.manifest?.end ?? info.forkPoint
        var pieces: [Piece] = []
        for segment in state.manifest?.segments ?? [] where segment.first < upper && segment.end > start {
            pieces.append(.segment(segment))
        }
        let tail = state.tail.filter { $0 >= manifestEnd }
        for (index, first) in tail.enumerated() {
            let end = index + 1 < tail.count ? tail[index + 1] : (state.length ?? head.length)
            if first < upper && end > start { pieces.append(.batch(first)) }
        }
        let parts = try await concurrentMap(pieces, limit: Self.parallelRequests) { piece -> [Entry] in
            switch piece {
            case .segment(let segment): try await self.loadSegment(id, segment)
            case .batch(let first): try await self.loadBatch(id, first: first)
            }
        }
        var result: [Entry] = []
        result.reserveCapacity(upper - start)
        for part in parts {
            for entry in part where entry.seq >= start && entry.seq < upper { result.append(entry) }
        }
        guard result.count == upper - start, result.first?.seq == start, result.last?.seq == upper - 1 else {
            throw CairnError.corrupt(
                "\(client.location(layout.session(id))): reading entries \(start)..<\(upper) found \(result.count) entries; a batch or segment object is missing"
            )
        }
        return result
    }

    private enum Piece: Sendable {
        case segment(S3Manifest.Segment)
        case batch(Int)
    }

    /// The entries of batch `log/<first>`, from the cache or the bucket, checked.
    func loadBatch(_ id: SessionID, first: Int) async throws -> [Entry] {
        let key = layout.batch(id, first: first)
        if let cached = cache.get(key) { return cached }
        guard case .object(let object) = try await client.getObject(key) else {
            throw CairnError.corrupt("\(client.location(key)) is missing, but batch objects are never deleted")
        }
        let body = try verified(object, key: key)
        let entries = try decode(body, key: key, first: first)
        guard !entries.isEmpty else { throw CairnError.corrupt("\(client.location(key)) holds no entries") }
        cache.put(key, entries, bytes: body.count)
        return entries
    }

    /// The entries of a segment, from the cache or the bucket, checked.
    func loadSegment(_ id: SessionID, _ segment: S3Manifest.Segment) async throws -> [Entry] {
        let key = layout.segment(id, first: segment.first, end: segment.end)
        if let cached = cache.get(key) { return cached }
        guard case .object(let object) = try await client.getObject(key, large: true) else {
            throw CairnError.corrupt("\(client.location(key)) is listed in the manifest but missing")
        }
        var body = try verified(object, key: key)
        if object.info.metadata[S3Metadata.encoding] == "zstd" {
            do { body = try Zstd.decompress(body) } catch { throw CairnError.corrupt("\(client.location(key)): \(error)") }
        }
        let entries = try decode(body, key: key, first: segment.first)
        guard entries.count == segment.end - segment.first else {
            throw CairnError.corrupt("\(client.location(key)) holds \(entries.count) entries, not \(segment.end - segment.first)")
        }
        cache.put(key, entries, bytes: body.count)
        return entries
    }

    private func decode(_ body: Data, key: String, first: Int) throws -> [Entry] {
        let entries: [Entry]
        do { entries = try EntryBatchCodec.decode(body) } catch {
            throw CairnError.corrupt("\(client.location(key)): \(error)")
        }
        for (offset, entry) in entries.enumerated() where entry.seq != first + offset {
            throw CairnError.corrupt("\(client.location(key)): entry \(offset) has sequence number \(entry.seq), not \(first + offset)")
        }
        return entries
    }

    // MARK: Checksummed objects

    /// Writes a log object with the SHA-256 of its body in its metadata.
    func putChecked(
        _ key: String, _ body: Data, contentType: String, encoding: String? = nil,
        condition: S3Client.PutCondition
    ) async throws -> S3Client.PutResult {
        var metadata = [S3Metadata.checksum: SigV4Signer.payloadHash(body)]
        if let encoding { metadata[S3Metadata.encoding] = encoding }
        return try await client.putObject(key, body: body, contentType: contentType, metadata: metadata, condition: condition)
    }

    /// The body of a log object after checking it against the SHA-256 in its metadata.
    /// - Throws: `CairnError.corrupt` if the checksum is missing or differs.
    func verified(_ object: S3Client.Object, key: String) throws -> Data {
        guard let expected = object.info.metadata[S3Metadata.checksum] else {
            throw CairnError.corrupt("\(client.location(key)) has no \(S3Metadata.checksum) checksum; it was not written by Cairn")
        }
        let actual = SigV4Signer.payloadHash(object.body)
        guard actual == expected.lowercased() else {
            throw CairnError.corrupt("\(client.location(key)): the body's SHA-256 is \(actual) but the object records \(expected)")
        }
        return object.body
    }
}
