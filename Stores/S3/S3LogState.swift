import CairnCore
import Foundation
import Synchronization

/// `sessions/<id>/manifest.json`: the segments a session's compacted prefix lives in.
///
/// Segments are contiguous from the session's fork point to ``end``; every batch object that
/// starts at or after ``end`` is the tail. Replaced only by compare-and-swap on its ETag.
struct S3Manifest: Codable, Sendable, Hashable {
    /// One segment object.
    struct Segment: Codable, Sendable, Hashable {
        /// The first sequence number it holds.
        var first: Int
        /// One past the last.
        var end: Int
        /// Its stored size in bytes.
        var bytes: Int
        /// The first sequence number of the last batch merged into it (so the head can be read
        /// from that small batch object rather than from the segment).
        var lastBatch: Int
    }

    /// The format version.
    var version = 1
    /// One past the last sequence number the segments hold.
    var end: Int
    /// The segments, oldest first.
    var segments: [Segment]
}

/// What one store instance knows about a session's log. Everything in it stays true forever
/// (batches and segments are never deleted or changed), so it may lag but never lies.
struct S3LogState: Sendable {
    /// Whether the manifest was read (or is known not to exist yet).
    var manifestLoaded = false
    /// The manifest, if one exists.
    var manifest: S3Manifest?
    /// Its ETag.
    var manifestETag: String?
    /// A length the log is known to have reached, its last entry, and whether that is known.
    var length: Int?
    var last: Entry?
    /// The first sequence numbers of the batches from the manifest's end to ``length``, sorted.
    var tail: [Int] = []
    /// Whether a compaction of this session runs in this instance.
    var compacting = false

    /// Records a head learned from the store: a length, its last entry and the batch starts seen.
    mutating func learn(length newLength: Int, last newLast: Entry?, batches: [Int]) {
        if newLength > (length ?? -1) {
            length = newLength
            last = newLast
        }
        if !batches.isEmpty {
            tail = Array(Set(tail).union(batches)).sorted()
        }
    }

    /// Records a manifest, dropping tail batches it covers.
    mutating func learn(manifest newManifest: S3Manifest?, etag: String?) {
        if let current = manifest, let newManifest, newManifest.end < current.end { return }
        manifestLoaded = true
        manifest = newManifest
        manifestETag = etag
        if let end = newManifest?.end { tail.removeAll { $0 < end } }
    }
}

/// Decoded immutable objects (batches and segments) by key, up to a budget of encoded (uncompressed) bytes;
/// the oldest are dropped first.
final class S3ObjectCache: Sendable {
    private struct State {
        var entries: [String: (entries: [Entry], bytes: Int)] = [:]
        var order: [String] = []
        var bytes = 0
    }

    private let state = Mutex(State())
    private let budget: Int

    init(budget: Int) {
        self.budget = budget
    }

    func get(_ key: String) -> [Entry]? {
        state.withLock { $0.entries[key]?.entries }
    }

    func put(_ key: String, _ entries: [Entry], bytes: Int) {
        guard bytes <= budget else { return }
        state.withLock { state in
            guard state.entries[key] == nil else { return }
            state.entries[key] = (entries, bytes)
            state.order.append(key)
            state.bytes += bytes
            var dropped = 0
            while state.bytes > budget, dropped < state.order.count {
                let oldest = state.order[dropped]
                state.bytes -= state.entries.removeValue(forKey: oldest)?.bytes ?? 0
                dropped += 1
            }
            if dropped > 0 { state.order.removeFirst(dropped) }
        }
    }
}

/// Runs `work` on every element with at most `limit` running at once; results keep the input order.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], limit: Int, _ work: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
    guard items.count > 1 else { return try await items.asyncMapSerially(work) }
    return try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        while next < min(limit, items.count) {
            let index = next, item = items[index]
            group.addTask { (index, try await work(item)) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next, item = items[index]
                group.addTask { (index, try await work(item)) }
                next += 1
            }
        }
        return results.compactMap { $0 }
    }
}

extension Array {
    fileprivate func asyncMapSerially<R>(_ work: (Element) async throws -> R) async rethrows -> [R] {
        var results: [R] = []
        for item in self { results.append(try await work(item)) }
        return results
    }
}
