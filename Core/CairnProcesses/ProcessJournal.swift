public import CairnCore
public import Foundation

/// One entry of a process's journal, as the orchestration API shows it: promptise's
/// `{entry_id, entry_type, timestamp, data}`.
public struct JournalEntry: Sendable, Hashable {
    /// The entry's id (stable: the log position and a digest of the entry's data).
    public var id: String
    /// promptise's entry type: `state_transition`, `invocation_result`, `context_update`, ...
    public var type: String
    /// When it was recorded.
    public var time: Date
    /// What it records.
    public var data: JSONValue
    /// Its position in the process's log.
    public var seq: Int

    /// Creates an entry.
    public init(id: String, type: String, time: Date, data: JSONValue, seq: Int) {
        self.id = id
        self.type = type
        self.time = time
        self.data = data
        self.seq = seq
    }

    /// The API's form.
    public var json: JSONValue {
        .object(["entry_id": .string(id), "entry_type": .string(type), "timestamp": .string(Timestamps.format(time)), "data": data])
    }
}

/// The entry types a process journals, as promptise names them (plus Cairn's own for what
/// promptise keeps only in memory: inbox changes, answers, secrets and triggers added at runtime).
public enum JournalType {
    public static let deployed = "deployed"
    public static let removed = "removed"
    public static let stateTransition = "state_transition"
    public static let configUpdate = "config_update"
    public static let invocationStart = "invocation_start"
    public static let invocationResult = "invocation_result"
    public static let error = "error"
    public static let contextUpdate = "context_update"
    public static let message = "inbox_message"
    public static let messagesRemoved = "inbox_removed"
    public static let answer = "question_answered"
    public static let triggerEvent = "trigger_event"
    public static let triggerAdded = "trigger_added"
    public static let triggerRemoved = "trigger_removed"
    public static let secretRotated = "secret_rotated"
    public static let secretsRevoked = "secrets_revoked"
    public static let missionEvaluation = "mission_evaluation"
    public static let missionState = "mission_state"
    public static let missionFailed = "mission_failed"
    public static let anomaly = "health_anomaly"
    public static let anomaliesCleared = "anomalies_cleared"
    public static let budgetViolation = "budget_violation"
    public static let restart = "restart"
    public static let restartExhausted = "restart_exhausted"
    public static let recovered = "recovered"
    public static let runInterrupted = "run_interrupted"
    public static let deadLetter = "dead_letter"
}

/// The log of one process: a system log (agent `cairn.process`) whose entries are journal
/// entries (event `journal`, metadata `type`, a JSON body) and the pushes of its triggers' fires.
/// Appends are compare-and-swap on the length it knows; when the log moved (a fire was pushed),
/// the new entries are read first and handed to the caller, who folds them before retrying.
public actor ProcessLog {
    /// The agent name of process logs.
    public static let agent = "cairn.process"
    /// The event kind of journal entries.
    public static let kind = EventKind.other("journal")

    /// The log's session id.
    public let id: SessionID
    private let store: any Store
    private(set) var length: Int

    /// The id of the log of the process whose process id is `processID`.
    public static func id(of processID: String) -> SessionID { SystemLogs.id(of: "process\n\(processID)") }

    /// Opens (or, with `create`, creates) the log of `processID`.
    /// - Throws: `CairnError.sessionExists` when creating a log that exists; store errors.
    init(processID: String, name: String, store: any Store, create: Bool, at time: Date) async throws {
        self.id = Self.id(of: processID)
        self.store = store
        if create {
            let info = SessionInfo(id: id, agent: Self.agent, metadata: ["process": name], created: time)
            _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: time, source: "process")])
            length = 1
        } else {
            length = 0
        }
    }

    /// Opens the log `id`.
    init(opening id: SessionID, store: any Store) {
        self.id = id
        self.store = store
        length = 0
    }

    /// The payload of the fire pushed at `seq`.
    /// - Throws: store errors; `CairnError.notFound` when there is no entry there.
    func payload(at seq: Int) async throws -> Data {
        guard let entry = try await store.readOwn(id, from: seq, limit: 1).first else {
            throw CairnError.invalidArgument("process log \(id) has no entry \(seq)")
        }
        return try await store.body(of: entry)
    }

    /// The entries from `from` on (journal entries decoded, fires as `trigger_event`).
    /// - Throws: store errors; `CairnError.corrupt` for a journal body that does not decode.
    func read(from: Int) async throws -> [(Entry, JournalEntry?)] {
        let entries = try await store.readOwn(id, from: from, limit: nil)
        var result: [(Entry, JournalEntry?)] = []
        for entry in entries {
            result.append((entry, try await decode(entry)))
            length = max(length, entry.seq + 1)
        }
        return result
    }

    /// Appends `drafts` (type, data) at `time` if the log is still `expected` long.
    /// - Returns: the appended entries, or nil when the log moved (read it and retry).
    func append(_ drafts: [(type: String, data: JSONValue)], at time: Date, expected: Int) async throws -> [JournalEntry]? {
        var prepared: [EntryDraft] = []
        var bodies: [(String, JSONValue)] = []
        for draft in drafts {
            let body = Data(draft.data.text.utf8)
            let digest = try await store.put(body)
            prepared.append(
                EntryDraft(
                    event: Self.kind, header: ObjectHeader(contentType: ContentTypes.json, metadata: ["type": draft.type]), digest: digest,
                    size: body.count, time: time, source: "process"))
            bodies.append((draft.type, draft.data))
        }
        do {
            let appended = try await store.append(prepared, to: id, expectedLength: expected)
            length = (appended.last?.seq ?? expected - 1) + 1
            return zip(appended, bodies).map { entry, body in
                JournalEntry(id: Self.entryID(entry), type: body.0, time: entry.time, data: body.1, seq: entry.seq)
            }
        } catch CairnError.conflict {
            return nil
        }
    }

    private func decode(_ entry: Entry) async throws -> JournalEntry? {
        switch entry.event {
        case Self.kind:
            guard let digest = entry.digest, let type = entry.header.metadata["type"] else { return nil }
            let data: JSONValue
            do { data = try JSONDecoder().decode(JSONValue.self, from: try await store.get(digest)) } catch let error as CairnError {
                throw error
            } catch {
                throw CairnError.corrupt("process log \(id) entry \(entry.seq) does not decode: \(error)")
            }
            return JournalEntry(id: Self.entryID(entry), type: type, time: entry.time, data: data, seq: entry.seq)
        case .push where entry.source == "trigger":
            var data: [String: JSONValue] = [:]
            for (key, value) in entry.header.metadata { data[key] = .string(value) }
            data["trigger_id"] = entry.header.metadata["trigger"].map(JSONValue.string)
            data["event_id"] = entry.header.metadata["fire"].map(JSONValue.string)
            if let digest = entry.digest { data["payload_digest"] = .string(digest.description) }
            return JournalEntry(id: Self.entryID(entry), type: JournalType.triggerEvent, time: entry.time, data: .object(data), seq: entry.seq)
        default:
            return nil
        }
    }

    static func entryID(_ entry: Entry) -> String {
        let digest = entry.digest.map { String($0.description.suffix(12)) } ?? "0"
        return "\(entry.seq)-\(digest)"
    }
}
