import Foundation

/// The invocation must start again on the newer log: it is not a failure. The runtime catches it,
/// records nothing, and invokes the handler again (a replay then picks up what was recorded).
public struct InvocationRestart: Error, Sendable, CustomStringConvertible {
    /// Why.
    public let reason: String

    /// Creates a restart request.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "invocation restarted: \(reason)" }
}

/// Appends records to a session while an invocation runs — the step boundary.
///
/// Each `record` is durable when it returns. Records made concurrently (parallel steps) are
/// group-committed: the first caller appends everything queued while it waits, in one
/// compare-and-swap batch. When the log moved because of entries from outside (a push, a wake),
/// the journal appends after them and remembers that the invocation's view is stale
/// (``logMoved``). When another runner recorded steps, it throws ``InvocationRestart``: that
/// runner owns the next steps, and a replay adopts its results.
public actor Journal {
    /// The session journaled to.
    public nonisolated let session: SessionID
    private let store: any Store
    /// The session's length after the last record (the expected length of the next append).
    public private(set) var length: Int
    /// Whether entries from outside arrived since the invocation read the log.
    public private(set) var logMoved = false
    /// How many entries this journal appended.
    public private(set) var recorded = 0
    private var flushing = false
    private var waiting: [(EntryDraft, CheckedContinuation<Entry, any Error>)] = []

    /// A journal for `session` whose log has `length` entries.
    public init(store: any Store, session: SessionID, length: Int) {
        self.store = store
        self.session = session
        self.length = length
    }

    /// Appends `draft` durably and returns it as an entry.
    /// - Throws: ``InvocationRestart`` if another runner recorded steps meanwhile; store errors.
    public func record(_ draft: EntryDraft) async throws -> Entry {
        if flushing {
            return try await withCheckedThrowingContinuation { waiting.append((draft, $0)) }
        }
        flushing = true
        defer { flushing = false }
        let own: Entry
        do {
            own = try await append([draft])[0]
        } catch {
            failWaiting(error)
            throw error
        }
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            do {
                let entries = try await append(batch.map(\.0))
                for (index, (_, continuation)) in batch.enumerated() { continuation.resume(returning: entries[index]) }
            } catch {
                batch.forEach { $0.1.resume(throwing: error) }
                failWaiting(error)
            }
        }
        return own
    }

    private func failWaiting(_ error: any Error) {
        let batch = waiting
        waiting = []
        batch.forEach { $0.1.resume(throwing: error) }
    }

    private func append(_ drafts: [EntryDraft]) async throws -> [Entry] {
        while true {
            do {
                let entries = try await store.append(drafts, to: session, expectedLength: length)
                length += entries.count
                recorded += entries.count
                return entries
            } catch CairnError.conflict(_, _, let actual) {
                let foreign = try await SessionLog(store: store).entries(of: session, from: length, limit: actual - length)
                if foreign.contains(where: { $0.event == .step }) {
                    throw InvocationRestart(reason: "another runner recorded steps in session \(session)")
                }
                if let last = foreign.last, !Runtime.isPending(last) {
                    // Another runtime paused, finished or failed the session: record nothing after that.
                    throw InvocationRestart(reason: "session \(session) became \(last.event) meanwhile")
                }
                length = actual
                logMoved = true
            }
        }
    }
}
