public import Foundation
import Synchronization

/// A store in process memory: fast, shared by every task of one process, gone when it exits.
/// Meets every requirement of ``Store`` except surviving the process.
public final class MemoryStore: Store {
    private struct SessionRecord {
        var info: SessionInfo
        var entries: [Entry]
        var wake: Date?
    }

    private struct State {
        var blobs: [Digest: Data] = [:]
        var sessions: [SessionID: SessionRecord] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func put(_ data: Data) async throws -> Digest {
        let digest = Digest(of: data)
        state.withLock { $0.blobs[digest] = data }
        return digest
    }

    public func get(_ digest: Digest) async throws -> Data {
        guard let data = state.withLock({ $0.blobs[digest] }) else { throw CairnError.blobNotFound(digest) }
        return data
    }

    public func contains(_ digest: Digest) async throws -> Bool {
        state.withLock { $0.blobs[digest] != nil }
    }

    public func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        try state.withLock { state in
            guard state.sessions[info.id] == nil else { throw CairnError.sessionExists(info.id) }
            let entries = initial.enumerated().map { $0.element.entry(seq: info.forkPoint + $0.offset) }
            var record = SessionRecord(info: info, entries: entries)
            if case .set(let due) = TimerEffect(of: initial) { record.wake = due }
            state.sessions[info.id] = record
            return entries
        }
    }

    public func sessionInfo(_ id: SessionID) async throws -> SessionInfo {
        guard let info = state.withLock({ $0.sessions[id]?.info }) else { throw CairnError.sessionNotFound(id) }
        return info
    }

    public func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) {
        try state.withLock { state in
            guard let record = state.sessions[id] else { throw CairnError.sessionNotFound(id) }
            return (record.info.forkPoint + record.entries.count, record.entries.last)
        }
    }

    public func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        try state.withLock { state in
            guard let record = state.sessions[id] else { throw CairnError.sessionNotFound(id) }
            let length = record.info.forkPoint + record.entries.count
            guard length == expectedLength else {
                throw CairnError.conflict(session: id, expected: expectedLength, actual: length)
            }
            let appended = entries.enumerated().map { $0.element.entry(seq: length + $0.offset) }
            // Mutate in place: copying the record out would copy its whole log on every append.
            state.sessions[id]?.entries.append(contentsOf: appended)
            switch TimerEffect(of: entries) {
            case .set(let due): state.sessions[id]?.wake = due
            case .clear: state.sessions[id]?.wake = nil
            case .unchanged: break
            }
            return appended
        }
    }

    public func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] {
        try state.withLock { state in
            guard let record = state.sessions[id] else { throw CairnError.sessionNotFound(id) }
            let start = max(0, from - record.info.forkPoint)
            guard start < record.entries.count else { return [] }
            let end = limit.map { min(record.entries.count, start + max(0, $0)) } ?? record.entries.count
            return Array(record.entries[start..<end])
        }
    }

    public func listSessions() async throws -> [SessionInfo] {
        state.withLock { $0.sessions.values.map(\.info).sorted { $0.id < $1.id } }
    }

    public func dueTimers(at now: Date) async throws -> [DueTimer] {
        state.withLock { state in
            state.sessions.values.compactMap { record in
                guard let wake = record.wake, wake <= now else { return nil }
                return DueTimer(session: record.info.id, due: wake)
            }.sorted { $0.due < $1.due }
        }
    }
}
