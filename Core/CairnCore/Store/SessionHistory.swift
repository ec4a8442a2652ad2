public import Foundation

/// A session's whole history as one transport-neutral value: its information and its logical
/// log (inherited entries first), every entry with its body. `cairn export` writes it as JSON
/// (format ``format``, described in Docs/workflows.md), and a test loads it into a store — for
/// example to replay a workflow against a production run with `CairnTesting`'s `WorkflowReplayer`.
///
/// A value decoded from JSON (``init(json:)``) has been checked: a known format, dense sequence
/// numbers, bodies that match their digests and sizes.
public struct SessionHistory: Sendable, Hashable {
    /// The format this build writes and reads: the `format` field of the JSON.
    public static let format = "cairn.session-history/1"

    /// One entry of the log with its body.
    public struct Item: Sendable, Hashable {
        /// The entry as the store returned it.
        public var entry: Entry
        /// Its decoded body; empty for an entry without one (`entry.digest == nil`).
        public var body: Data

        /// Pairs `entry` with its `body`.
        public init(entry: Entry, body: Data) {
            self.entry = entry
            self.body = body
        }
    }

    /// The session as the exporting store knew it, parent and fork point included.
    public var session: SessionInfo
    /// Its logical log, oldest first: sequence numbers 0, 1, 2, … (inherited entries included).
    public var entries: [Item]

    /// A history of `session` with `entries`. Not checked here: ``validate()`` and
    /// ``load(into:as:)`` check it.
    public init(session: SessionInfo, entries: [Item]) {
        self.session = session
        self.entries = entries
    }

    /// Reads the history of session `id` from `store`: its information and its logical log,
    /// inherited entries included as the session sees them, with every body.
    /// - Throws: `CairnError.sessionNotFound` (also for a missing ancestor); store errors.
    public static func export(_ id: SessionID, from store: any Store) async throws -> SessionHistory {
        let info = try await store.sessionInfo(id)
        var items: [Item] = []
        for entry in try await SessionLog(store: store).entries(of: id) {
            items.append(Item(entry: entry, body: try await store.body(of: entry)))
        }
        return SessionHistory(session: info, entries: items)
    }

    /// Creates the session in `store` with the same log: the same sequence numbers, events,
    /// headers, times, sources and bodies. It is created as a root session holding the whole
    /// log as its own entries (the parent's are not in `store`), with the same agent, metadata
    /// and creation time; ``session``'s parent and fork point are not kept. All its entries are
    /// created in one call, so the session never exists partly loaded.
    /// - Parameter id: the new session's id (default: the exported session's).
    /// - Returns: the created session's information.
    /// - Throws: `CairnError.invalidArgument` if the history fails ``validate()``;
    ///   `CairnError.sessionExists` if the id is taken; store errors.
    @discardableResult
    public func load(into store: any Store, as id: SessionID? = nil) async throws -> SessionInfo {
        try validate()
        for item in entries where item.entry.digest != nil {
            _ = try await store.put(item.body)
        }
        let info = SessionInfo(id: id ?? session.id, agent: session.agent, metadata: session.metadata, created: session.created)
        _ = try await store.createSession(info, initial: entries.map(\.entry.draft))
        return info
    }

    /// Checks that the history can be loaded as it claims to be.
    /// - Throws: `CairnError.invalidArgument` naming the first problem: sequence numbers that are
    ///   not 0, 1, 2, … in order; a body whose SHA-256 or size is not the entry's; a body on an
    ///   entry without a digest; a fork point outside the log.
    public func validate() throws {
        for (index, item) in entries.enumerated() {
            let entry = item.entry
            guard entry.seq == index else {
                throw Self.invalid("the entry at index \(index) has seq \(entry.seq), but seqs must be dense: 0, 1, 2, … in order (expected \(index))")
            }
            guard let digest = entry.digest else {
                guard item.body.isEmpty, entry.size == 0 else {
                    throw Self.invalid("entry #\(entry.seq) has no digest but a body of \(max(item.body.count, entry.size)) bytes")
                }
                continue
            }
            let actual = Digest(of: item.body)
            guard actual == digest else {
                throw Self.invalid(
                    "entry #\(entry.seq): its body's SHA-256 is \(actual), not the digest the entry records (\(digest)); the body or the digest was changed")
            }
            guard entry.size == item.body.count else {
                throw Self.invalid("entry #\(entry.seq): its body has \(item.body.count) bytes but the entry records size \(entry.size)")
            }
        }
        if session.parent != nil, !(1...max(1, entries.count)).contains(session.forkPoint) {
            throw Self.invalid("session.fork-point \(session.forkPoint) is outside the log, whose entries are 0...\(entries.count - 1)")
        }
        if session.parent == nil, session.forkPoint != 0 {
            throw Self.invalid("session.fork-point is \(session.forkPoint) but the session has no parent")
        }
    }

    /// An `invalidArgument` error about a history, prefixed so the reader knows which input is wrong.
    static func invalid(_ message: String) -> CairnError {
        .invalidArgument("session history: \(message)")
    }
}
