public import CairnCore
public import Foundation

/// Pushes recorded fires into their sessions, each exactly once however often it is asked.
///
/// - A fire for a new session creates the session whose id was derived from the trigger and the
///   fire id when the fire was recorded: creation is compare-and-swap, so a second attempt finds
///   the session and appends nothing.
/// - A fire for a shared or existing session is appended only if no entry of that session carries
///   the fire's id (metadata `trigger` and `fire`): the entries are scanned once, then only those
///   appended since, and the append is compare-and-swap on the length that was scanned.
public actor FireDelivery {
    private struct Cursor {
        var scanned = 0
        var fires: Set<String> = []
    }

    /// The trigger whose fires it delivers.
    public let trigger: String
    private let store: any Store
    private var cursors: [SessionID: Cursor] = [:]

    /// Creates a delivery for the fires of `trigger`.
    public init(trigger: String, store: any Store) {
        self.trigger = trigger
        self.store = store
    }

    /// The session a fire for `target` goes to: for a new session per fire, the id derived from
    /// the trigger, the fire id and the fire time.
    public static func session(for target: TriggerTarget, trigger: String, fireID: String, time: Date) -> SessionID {
        switch target {
        case .newSession: SessionID.derived(from: "cairn.trigger-fire\n\(trigger)\n\(fireID)", at: time)
        case .sharedSession(let agent): SessionID.derived(from: "cairn.trigger-shared\n\(trigger)\n\(agent)", at: Date(timeIntervalSince1970: 0))
        case .session(let id): id
        }
    }

    /// Pushes `record` into its session unless it is there.
    /// - Returns: whether this call appended it.
    /// - Throws: `CairnError.invalidArgument` if the session is finished; store errors.
    @discardableResult
    public func deliver(_ record: FireLog.Record, target: TriggerTarget) async throws -> Bool {
        var metadata = record.entry.header.metadata
        metadata["session"] = nil
        metadata["fire-time"] = nil
        metadata["trigger"] = trigger
        let push = EntryDraft(
            event: .push, header: ObjectHeader(contentType: record.entry.header.contentType, metadata: metadata),
            digest: record.entry.digest, size: record.entry.size, time: record.entry.time, source: "trigger")
        switch target {
        case .newSession(let agent):
            return try await create(record, agent: agent, push: push)
        case .sharedSession(let agent):
            if try await create(record, agent: agent, push: push) { return true }
            return try await appendIfAbsent(record, push: push)
        case .session:
            return try await appendIfAbsent(record, push: push)
        }
    }

    private func create(_ record: FireLog.Record, agent: String, push: EntryDraft) async throws -> Bool {
        let info = SessionInfo(id: record.session, agent: agent, metadata: ["trigger": trigger], created: record.entry.time)
        do {
            _ = try await store.createSession(info, initial: [try await ControlRecord.draft(.start, time: push.time, source: "trigger", in: store), push])
            cursors[record.session, default: Cursor()].fires.insert(record.fireID)
            return true
        } catch CairnError.sessionExists {
            return false
        }
    }

    private func appendIfAbsent(_ record: FireLog.Record, push: EntryDraft) async throws -> Bool {
        let log = SessionLog(store: store)
        var cursor = cursors[record.session] ?? Cursor()
        defer { cursors[record.session] = cursor }
        while true {
            let head = try await log.head(of: record.session)
            if cursor.scanned < head.length {
                let from = max(cursor.scanned, head.info.forkPoint)
                for entry in try await store.readOwn(record.session, from: from, limit: nil)
                where entry.event == .push && entry.header.metadata["trigger"] == trigger {
                    if let fire = entry.header.metadata["fire"] { cursor.fires.insert(fire) }
                }
                cursor.scanned = head.length
            }
            if cursor.fires.contains(record.fireID) { return false }
            if head.last?.event == .finish {
                throw CairnError.invalidArgument(
                    "session \(record.session) is finished, so trigger \(trigger) cannot push fire \(record.fireID) into it; point the trigger at another session"
                )
            }
            do {
                let appended = try await store.append([push], to: record.session, expectedLength: head.length)
                cursor.scanned = (appended.last?.seq ?? head.length) + 1
                cursor.fires.insert(record.fireID)
                return true
            } catch CairnError.conflict {
                continue
            }
        }
    }
}
