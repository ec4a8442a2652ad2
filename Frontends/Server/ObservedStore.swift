import CairnCore
import CoreMetrics
import Foundation

/// A store that tells the server what was appended: it counts and times appends for the metrics
/// and signals the ``ChangeFeed`` so streams and the driver react at once. Everything else is
/// passed through to the wrapped store unchanged.
struct ObservedStore: Store {
    let base: any Store
    let feed: ChangeFeed
    let metrics: ServerMetrics

    func put(_ data: Data) async throws -> Digest { try await base.put(data) }
    func get(_ digest: Digest) async throws -> Data { try await base.get(digest) }
    func getStored(_ digest: Digest) async throws -> StoredBlob { try await base.getStored(digest) }
    func contains(_ digest: Digest) async throws -> Bool { try await base.contains(digest) }
    func storedEncoding(of digest: Digest) async throws -> String { try await base.storedEncoding(of: digest) }

    func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        let entries = try await timed { try await base.createSession(info, initial: initial) }
        metrics.appends.increment(by: Int64(entries.count))
        feed.signal(info.id)
        return entries
    }

    func sessionInfo(_ id: SessionID) async throws -> SessionInfo { try await base.sessionInfo(id) }
    func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) { try await base.ownHead(id) }

    func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        let appended = try await timed { try await base.append(entries, to: id, expectedLength: expectedLength) }
        metrics.appends.increment(by: Int64(appended.count))
        feed.signal(id)
        return appended
    }

    func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] { try await base.readOwn(id, from: from, limit: limit) }
    func listSessions() async throws -> [SessionInfo] { try await base.listSessions() }
    func dueTimers(at now: Date) async throws -> [DueTimer] { try await base.dueTimers(at: now) }

    private func timed<T>(_ work: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { metrics.appendLatency.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1))) }
        return try await work()
    }
}
