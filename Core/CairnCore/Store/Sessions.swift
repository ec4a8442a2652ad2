public import Foundation

/// The session operations every frontend offers — create, fork, push, wake, read — over any store.
///
/// Pushes and wakes are unconditional: they retry their compare-and-swap until they land, so a
/// concurrent runtime never makes them fail. Bodies are stored before the entries that
/// reference them.
public struct Sessions: Sendable {
    /// The store.
    public let store: any Store
    /// The clock for timestamps and ids.
    public let clock: any WallClock
    /// A reader of logical logs over the same store.
    public var log: SessionLog { SessionLog(store: store) }

    /// Creates the operations over `store`.
    public init(store: any Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Creates a root session whose log starts with a `start` entry.
    /// - Throws: store errors.
    @discardableResult
    public func create(agent: String = "", metadata: [String: String] = [:], source: String) async throws -> SessionInfo {
        try await create(agent: agent, metadata: metadata, pushing: [], source: source)
    }

    /// Creates a session whose log starts with `start` and then pushes of `objects`, all in one
    /// append: no handler ever sees the session without them.
    /// - Throws: store errors.
    /// - Parameter id: the new session's id (default: a new one).
    public func create(
        id: SessionID? = nil, agent: String = "", metadata: [String: String] = [:], pushing objects: [(header: ObjectHeader, body: Data)],
        source: String
    ) async throws -> SessionInfo {
        let now = clock.now()
        let info = SessionInfo(id: id ?? SessionID.generate(at: now), agent: agent, metadata: metadata, created: now)
        var initial = [try await ControlRecord.draft(.start, time: now, source: source, in: store)]
        for object in objects {
            initial.append(
                EntryDraft(
                    event: .push, header: object.header, digest: try await store.put(object.body), size: object.body.count,
                    time: now, source: source))
        }
        _ = try await store.createSession(info, initial: initial)
        return info
    }

    /// Forks `parent` after its first `at` entries (all of them if nil). The child inherits those
    /// entries and adds a `fork` entry, then `entries` — all created at once, so a child never
    /// exists without them; its agent and metadata are the parent's unless given.
    /// - Throws: `CairnError.invalidArgument` if `at` is outside `1...length`; store errors.
    @discardableResult
    public func fork(
        _ parent: SessionID, at: Int? = nil, agent: String? = nil, metadata: [String: String]? = nil, source: String,
        followedBy entries: [EntryDraft] = []
    ) async throws -> SessionInfo {
        let head = try await log.head(of: parent)
        let point = at ?? head.length
        guard point >= 1, point <= head.length else {
            throw CairnError.invalidArgument(
                "fork point \(point) is outside the log of \(parent), which has entries 0...\(head.length - 1); choose 1...\(head.length)")
        }
        let now = clock.now()
        let info = SessionInfo(
            id: SessionID.generate(at: now), parent: parent, forkPoint: point,
            agent: agent ?? head.info.agent, metadata: metadata ?? head.info.metadata, created: now)
        let fork = try await ControlRecord.draft(
            .fork, ["parent": .string(parent.rawValue), "at": .number(Double(point))], time: now, source: source, in: store)
        _ = try await store.createSession(info, initial: [fork] + entries)
        return info
    }

    /// Appends `body` as a `push` entry with `header`, whatever the log's length.
    /// - Throws: `CairnError.sessionNotFound`; store errors.
    @discardableResult
    public func push(_ body: Data, header: ObjectHeader, to id: SessionID, source: String) async throws -> Entry {
        let digest = try await store.put(body)
        let draft = EntryDraft(event: .push, header: header, digest: digest, size: body.count, time: clock.now(), source: source)
        return try await appendUnconditionally([draft], to: id)[0]
    }

    /// Appends a `wake` entry: the runtime invokes the handler again.
    /// - Throws: `CairnError.sessionNotFound`; `CairnError.invalidArgument` if the session is finished.
    @discardableResult
    public func wake(_ id: SessionID, source: String) async throws -> Entry {
        try await appendUnconditionally(
            [try await ControlRecord.draft(.wake, ["reason": .string("manual")], time: clock.now(), source: source, in: store)], to: id)[0]
    }

    /// Appends `drafts` at whatever length the log has, retrying the compare-and-swap on conflict.
    /// A finished session is refused, also when it finishes while this append retries.
    /// - Throws: `CairnError.invalidArgument` for a finished session; store errors other than conflicts.
    public func appendUnconditionally(_ drafts: [EntryDraft], to id: SessionID) async throws -> [Entry] {
        while true {
            let head = try await log.head(of: id)
            if head.last?.event == .finish {
                throw CairnError.invalidArgument("session \(id) is finished; fork it to continue from an earlier point")
            }
            do {
                return try await store.append(drafts, to: id, expectedLength: head.length)
            } catch CairnError.conflict {
                continue
            }
        }
    }

    /// The body of an entry, or empty data for an entry without one.
    /// - Throws: `CairnError.blobNotFound`, `CairnError.corrupt`.
    public func body(of entry: Entry) async throws -> Data {
        guard let digest = entry.digest else { return Data() }
        return try await store.get(digest)
    }
}
