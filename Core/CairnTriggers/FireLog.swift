public import CairnCore
public import Foundation

/// A trigger's fire log: a system log (agent `cairn.trigger`) whose id is derived from the
/// trigger's name, so every node on one store appends to the same log.
///
/// Each fire is one `fire` entry (the payload is the entry's body; metadata `fire`, `fire-time`,
/// `session`), appended by compare-and-swap after checking that no entry has its id: two nodes
/// recording the same fire race for the same position and one of them finds the other's entry.
/// `checkpoint` entries say that every fire before them has been delivered; `trigger-error`
/// entries record failures. Fire ids are remembered for the last ``window`` fires.
public actor FireLog {
    /// The agent name of fire logs.
    public static let agent = "cairn.trigger"
    /// Entry kinds.
    static let fireKind = EventKind.other("fire")
    static let checkpointKind = EventKind.other("checkpoint")
    static let errorKind = EventKind.other("trigger-error")

    /// A recorded fire.
    public struct Record: Sendable, Hashable {
        /// Its position in the fire log.
        public var seq: Int
        /// The fire's id.
        public var fireID: String
        /// The fire's time.
        public var time: Date
        /// The session it is pushed into.
        public var session: SessionID
        /// The fire log entry (header, payload digest and size).
        public var entry: Entry
    }

    /// A recorded error.
    public struct ErrorRecord: Sendable, Hashable {
        /// What went wrong.
        public var message: String
        /// When it was recorded.
        public var time: Date
    }

    /// What the log says about its trigger.
    public struct Summary: Sendable, Hashable {
        /// The newest fire.
        public var lastFire: Record?
        /// How many fires were recorded.
        public var fireCount: Int
        /// The newest recorded error.
        public var lastError: ErrorRecord?
    }

    /// The trigger's name.
    public let trigger: String
    /// The log's session id.
    public let id: SessionID
    /// When the log was created (by whichever node first opened it): the anchor of interval schedules.
    public private(set) var created = Date(timeIntervalSince1970: 0)
    /// How many recent fire ids are remembered for deduplication.
    public let window: Int
    private let store: any Store
    private let clock: any WallClock
    private var length = 0
    private var byID: [String: Record] = [:]
    private var order: [String] = []
    private var orderStart = 0
    private struct Claim {
        let fireID: String
        let draft: EntryDraft
        let waiter: CheckedContinuation<(record: Record, isNew: Bool), any Error>?
    }
    private var queued: [Claim] = []
    private var writing = false
    private var checkpointFires = 0
    private var firesSinceCheckpoint = 0
    private var fireCount: Int { checkpointFires + firesSinceCheckpoint }
    private var lastFire: Record?
    private var lastError: ErrorRecord?
    private var checkpointThrough = 0

    /// The id of the fire log of trigger `name`.
    public static func id(of name: String) -> SessionID { SystemLogs.id(of: "trigger/\(name)") }

    /// Opens (creating if needed) the fire log of `trigger` and reads its recent entries.
    /// - Throws: store errors.
    public init(trigger: String, store: any Store, clock: any WallClock, window: Int = 100_000) async throws {
        self.trigger = trigger
        self.id = Self.id(of: trigger)
        self.store = store
        self.clock = clock
        self.window = max(1, window)
        do {
            let info = SessionInfo(id: id, agent: Self.agent, metadata: ["trigger": trigger], created: clock.now())
            _ = try await store.createSession(info, initial: [EntryDraft(event: .start, time: clock.now(), source: "trigger")])
        } catch CairnError.sessionExists {
        }
        created = try await store.sessionInfo(id).created
        let head = try await store.ownHead(id)
        let from = max(0, head.length - self.window * 2)
        try await apply(store.readOwn(id, from: from, limit: nil))
    }

    /// What the log says now.
    public var summary: Summary { Summary(lastFire: lastFire, fireCount: fireCount, lastError: lastError) }

    /// The fire recorded under `fireID`, if it is within the window.
    public func record(of fireID: String) -> Record? { byID[fireID] }

    /// Records `fire` for `session` unless a fire with its id is recorded; returns the record and
    /// whether it is new. `payload` is the digest of the stored payload.
    ///
    /// Claims that arrive while one is being written wait and are written together in the next
    /// append (group commit): concurrent fires of one trigger cost one durable append per batch.
    /// - Throws: store errors.
    public func claim(_ fire: TriggerFire, session: SessionID, payload digest: Digest) async throws -> (record: Record, isNew: Bool) {
        if let existing = byID[fire.id] { return (existing, false) }
        var metadata = fire.metadata
        metadata["fire"] = fire.id
        metadata["fire-time"] = Timestamps.format(fire.time)
        metadata["session"] = session.rawValue
        let draft = EntryDraft(
            event: Self.fireKind, header: ObjectHeader(contentType: fire.contentType, metadata: metadata), digest: digest,
            size: fire.payload.count, time: clock.now(), source: "trigger")
        if writing {
            return try await withCheckedThrowingContinuation { waiter in
                queued.append(Claim(fireID: fire.id, draft: draft, waiter: waiter))
            }
        }
        writing = true
        defer { writing = false }
        queued.append(Claim(fireID: fire.id, draft: draft, waiter: nil))
        var mine: Result<(record: Record, isNew: Bool), any Error>?
        while !queued.isEmpty {
            let batch = queued
            queued = []
            let results: Result<[String: Record], any Error>
            do { results = .success(try await commit(batch)) } catch { results = .failure(error) }
            var claimed = Set<String>()
            for claim in batch {
                let result = results.flatMap { written -> Result<(record: Record, isNew: Bool), any Error> in
                    guard let record = written[claim.fireID] ?? byID[claim.fireID] else {
                        return .failure(CairnError.corrupt("the fire log of trigger \(trigger) did not keep fire \(claim.fireID)"))
                    }
                    return .success((record, written[claim.fireID] != nil && claimed.insert(claim.fireID).inserted))
                }
                if let waiter = claim.waiter { waiter.resume(with: result) } else { mine = result }
            }
        }
        guard let mine else { throw CairnError.corrupt("a claim of trigger \(trigger) was lost") }
        return try mine.get()
    }

    /// Appends the batch's fires that are not recorded yet, in one compare-and-swap append;
    /// returns the records it wrote, by fire id.
    private func commit(_ batch: [Claim]) async throws -> [String: Record] {
        while true {
            var seen = Set<String>()
            let drafts = batch.filter { byID[$0.fireID] == nil && seen.insert($0.fireID).inserted }.map(\.draft)
            if drafts.isEmpty { return [:] }
            do {
                let entries = try await store.append(drafts, to: id, expectedLength: length)
                try await apply(entries)
                var written: [String: Record] = [:]
                for entry in entries {
                    if let fireID = entry.header.metadata["fire"], let record = byID[fireID] { written[fireID] = record }
                }
                return written
            } catch CairnError.conflict {
                try await catchUp()
            }
        }
    }

    /// The fires after the newest checkpoint: those whose delivery is not yet confirmed.
    public func undelivered() -> [Record] {
        // `order` is in log order: walk back from the newest fire to the checkpoint, not the whole window.
        var records: [Record] = []
        for fireID in order[orderStart...].reversed() {
            guard let record = byID[fireID], record.seq >= checkpointThrough else { break }
            records.append(record)
        }
        return records.reversed()
    }

    /// Records that every fire before position `through` has been delivered.
    /// - Throws: store errors.
    /// Nothing is written when no fire was recorded since the newest checkpoint, so an idle
    /// trigger's log does not grow.
    public func checkpoint(through: Int) async throws {
        guard through > checkpointThrough, firesSinceCheckpoint > 0 else { return }
        try await appendAtEnd(
            EntryDraft(
                event: Self.checkpointKind,
                header: ObjectHeader(metadata: ["through": String(through), "fires": String(fireCount)]),
                time: clock.now(), source: "trigger"))
    }

    /// The log's length as last read.
    public var knownLength: Int { length }

    /// Records an error, unless it repeats the newest one.
    /// - Throws: store errors.
    public func recordError(_ message: String) async throws {
        if lastError?.message == message { return }
        let body = Data(message.utf8)
        let digest = try await store.put(body)
        try await appendAtEnd(
            EntryDraft(
                event: Self.errorKind, header: ObjectHeader(contentType: ContentTypes.text), digest: digest, size: body.count,
                time: clock.now(), source: "trigger"))
        lastError = ErrorRecord(message: message, time: clock.now())
    }

    /// Reads the entries other processes appended since the last read.
    /// - Throws: store errors.
    public func catchUp() async throws {
        try await apply(store.readOwn(id, from: length, limit: nil))
    }

    private func appendAtEnd(_ draft: EntryDraft) async throws {
        while true {
            do {
                try await apply(store.append([draft], to: id, expectedLength: length))
                return
            } catch CairnError.conflict {
                try await catchUp()
            }
        }
    }

    private func apply(_ entries: [Entry]) async throws {
        for entry in entries {
            // An append and a concurrent catch-up can both bring the same entries: apply each once.
            guard entry.seq >= length else { continue }
            length = entry.seq + 1
            switch entry.event {
            case Self.fireKind:
                guard let fireID = entry.header.metadata["fire"], let text = entry.header.metadata["session"],
                    let session = try? SessionID(text)
                else { continue }
                let time = entry.header.metadata["fire-time"].flatMap(Timestamps.parse) ?? entry.time
                let record = Record(seq: entry.seq, fireID: fireID, time: time, session: session, entry: entry)
                if byID.updateValue(record, forKey: fireID) == nil { order.append(fireID) }
                if lastFire.map({ $0.seq < entry.seq }) ?? true { lastFire = record }
                firesSinceCheckpoint += 1
                forgetBeyondWindow()
            case Self.checkpointKind:
                if let through = entry.header.metadata["through"].flatMap(Int.init) { checkpointThrough = max(checkpointThrough, through) }
                if let fires = entry.header.metadata["fires"].flatMap(Int.init) {
                    checkpointFires = fires
                    firesSinceCheckpoint = 0
                }
            case Self.errorKind:
                guard let digest = entry.digest else { continue }
                lastError = ErrorRecord(message: String(decoding: try await store.get(digest), as: UTF8.self), time: entry.time)
            default:
                continue
            }
        }
    }

    /// Drops the oldest ids once more than ``window`` are remembered (amortized O(1)).
    private func forgetBeyondWindow() {
        while order.count - orderStart > window {
            byID[order[orderStart]] = nil
            orderStart += 1
        }
        if orderStart > window {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}
