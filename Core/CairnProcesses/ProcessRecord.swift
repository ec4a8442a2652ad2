public import CairnCore
public import Foundation

/// An event waiting for a run: a trigger's fire (pushed into the process's log) or an operator's
/// message or question.
public enum QueuedEvent: Sendable, Hashable, Codable {
    /// A fire: the log position of its push, the trigger's id and the fire's id.
    case fire(seq: Int, trigger: String, event: String)
    /// An inbox message or question, by id.
    case message(id: String)

    /// The event's id as the journal names it.
    public var eventID: String {
        switch self {
        case .fire(_, _, let event): event
        case .message(let id): id
        }
    }

    var json: JSONValue {
        switch self {
        case .fire(let seq, let trigger, let event):
            .object(["kind": .string("trigger"), "seq": .number(Double(seq)), "trigger_id": .string(trigger), "event_id": .string(event)])
        case .message(let id): .object(["kind": .string("message"), "event_id": .string(id)])
        }
    }

    init?(json: JSONValue?) {
        guard let json, let kind = json["kind"]?.stringValue, let event = json["event_id"]?.stringValue else { return nil }
        if kind == "message" {
            self = .message(id: event)
        } else if case .number(let seq)? = json["seq"], let trigger = json["trigger_id"]?.stringValue {
            self = .fire(seq: Int(seq), trigger: trigger, event: event)
        } else {
            return nil
        }
    }
}

/// A run in flight: its session and what it was started for.
public struct RunRecord: Sendable, Hashable {
    /// The run's id (`inv-<n>`).
    public var id: String
    /// The run's session (agent `cairn.process-run`).
    public var session: SessionID
    /// What it was started for.
    public var event: QueuedEvent
    /// The questions its prompt numbered: Qn → message id.
    public var questions: [Int: String]
    /// The messages it consumes when it succeeds.
    public var consumed: [String]
    /// When it started.
    public var started: Date
    /// The user message it was given.
    public var prompt: String
}

/// A process as its log says it is: configuration, lifecycle state, counters, conversation,
/// context, inbox, mission, anomalies, queue and runs in flight. Rebuilt on start by folding
/// the log's entries in order with ``apply(_:)``; kept current the same way.
public struct ProcessRecord: Sendable {
    public var name: String
    public var processID: String
    public var created: Date
    public var config: ProcessConfig
    public var state = ProcessState.created
    public var suspendReason: SuspendReason?
    public var lastStart: Date?
    public var invocationCount = 0
    public var consecutiveFailures = 0
    public var restartCount = 0
    public var conversation: [ChatMessage] = []
    public var context: [String: JSONValue] = [:]
    public var inbox = Inbox()
    public var missionState = MissionState.active
    public var evaluations: [JSONValue] = []
    public var anomalies: [JSONValue] = []
    /// Triggers added at runtime: id → spec, in the order added.
    public var dynamicTriggers: [(id: String, spec: TriggerSpec)] = []
    /// Ids of configured triggers removed at runtime.
    public var removedTriggers: Set<String> = []
    public var queue: [QueuedEvent] = []
    public var inFlight: [String: RunRecord] = [:]
    public var deadLetters: [JSONValue] = []
    public var runsByDay: (day: String, count: Int) = ("", 0)
    public var rotations: [String: (count: Int, at: Date)] = [:]
    public var lastActivity: Date
    public var removed = false
    /// Runs started so far (names the next run).
    public var runsStarted = 0
    /// Questions answered: message id → (answer, time, run).
    public var answers: [String: (text: String, at: Date, run: String)] = [:]
    /// The log length folded so far.
    public var folded = 0
    /// When the process last entered `failed`.
    public var failedAt: Date?
    /// Whether the last failure came from runs (not from a start that failed).
    public var failedByRuns = false
    /// Whether automatic restarts gave up (until an operator starts it).
    public var restartExhausted = false
    /// Runs interrupted by a stop (their late results are not recorded).
    public var interrupted: Set<String> = []
    /// Runs paused by governance, waiting for a resume.
    public var pausedRuns: Set<String> = []

    /// Runs started today (UTC).
    public func runsToday(_ now: Date) -> Int {
        runsByDay.day == String(Timestamps.format(now).prefix(10)) ? runsByDay.count : 0
    }

    /// A new process's record.
    public init(name: String, processID: String, created: Date, config: ProcessConfig) {
        self.name = name
        self.processID = processID
        self.created = created
        self.config = config
        self.lastActivity = created
        self.context = config.context.initialState
        self.inbox = Inbox(settings: config.inboxSettings)
    }

    /// The configured triggers still attached, with their ids, then those added at runtime.
    public var triggers: [(id: String, spec: TriggerSpec, source: String)] {
        let ids = ProcessConfig.triggerIDs(config.triggers)
        let configured = zip(ids, config.triggers).filter { !removedTriggers.contains($0.0) }.map { (id: $0.0, spec: $0.1, source: "config") }
        return configured + dynamicTriggers.map { (id: $0.id, spec: $0.spec, source: "dynamic") }
    }

    /// Folds one journal entry into the record.
    public mutating func apply(_ entry: JournalEntry) {
        guard entry.seq >= folded else { return }
        folded = entry.seq + 1
        let data = entry.data
        switch entry.type {
        case JournalType.stateTransition:
            if let to = data["to"]?.stringValue.flatMap(ProcessState.init(rawValue:)) {
                state = to
                suspendReason = to == .suspended ? data["reason"]?.stringValue.flatMap(SuspendReason.init(rawValue:)) : nil
                if to == .running, data["from"]?.stringValue == ProcessState.starting.rawValue { lastStart = entry.time }
                if to == .stopped && config.context.conversationClearOnStop { conversation = [] }
                if to == .failed {
                    failedAt = entry.time
                    failedByRuns = data["reason"]?.stringValue != "start_failed"
                }
                if to == .running {
                    pausedRuns = []
                    lastActivity = entry.time
                }
                if to == .starting, data["manual"] == .bool(true) {
                    restartCount = 0
                    restartExhausted = false
                    consecutiveFailures = 0
                }
            }
        case JournalType.configUpdate:
            if let json = data["config"], let updated = try? ProcessConfig.parse(json) {
                config = updated
                inbox.settings = updated.inboxSettings
            }
        case JournalType.triggerEvent:
            if state.acceptsEvents, let trigger = data["trigger_id"]?.stringValue, let event = data["event_id"]?.stringValue {
                queue.append(.fire(seq: entry.seq, trigger: trigger, event: event))
            }
        case JournalType.message:
            if let message = try? JSONDecoder().decode(InboxMessage.self, from: Data(data.text.utf8)) {
                _ = try? inbox.add(message, now: entry.time)
                if data["starts_run"] != .bool(false) { queue.append(.message(id: message.id)) }
            }
        case JournalType.messagesRemoved:
            for case .string(let id) in data["ids"]?.arrayValue ?? [] { inbox.remove(id) }
            if data["all"] == .bool(true) { inbox.clear() }
        case JournalType.answer:
            if let id = data["question_id"]?.stringValue, let text = data["response"]?.stringValue {
                let run = data["invocation_id"]?.stringValue ?? ""
                inbox.answer(question: id)
                answers[id] = (text, entry.time, run)
            }
        case JournalType.invocationStart:
            guard let id = data["invocation_id"]?.stringValue, let session = data["session"]?.stringValue.flatMap({ try? SessionID($0) }),
                let event = QueuedEvent(json: data["event"])
            else { return }
            runsStarted += 1
            queue.removeAll { $0 == event }
            var questions: [Int: String] = [:]
            for (key, value) in data["questions"]?.objectValue ?? [:] { if let n = Int(key), let id = value.stringValue { questions[n] = id } }
            let consumed = (data["consumed"]?.arrayValue ?? []).compactMap(\.stringValue)
            inFlight[id] = RunRecord(
                id: id, session: session, event: event, questions: questions, consumed: consumed, started: entry.time,
                prompt: data["prompt"]?.stringValue ?? "")
            let day = String(Timestamps.format(entry.time).prefix(10))
            runsByDay = runsByDay.day == day ? (day, runsByDay.count + 1) : (day, 1)
        case JournalType.invocationResult:
            guard let id = data["invocation_id"]?.stringValue else { return }
            let run = inFlight.removeValue(forKey: id)
            pausedRuns.remove(id)
            lastActivity = entry.time
            if data["success"] == .bool(true) {
                invocationCount += 1
                consecutiveFailures = 0
                restartCount = 0
                if let run { inbox.consume(run.consumed) }
                if config.context.conversationHistory, let prompt = data["prompt"]?.stringValue {
                    conversation.append(ChatMessage(role: .user, text: prompt))
                    if let reply = data["response"]?.stringValue { conversation.append(ChatMessage(role: .assistant, text: reply)) }
                    let limit = config.context.conversationMaxMessages
                    if limit > 0, conversation.count > limit { conversation.removeFirst(conversation.count - limit) }
                }
            } else if data["counts"] != .bool(false) {
                consecutiveFailures += 1
            }
        case JournalType.contextUpdate:
            if let key = data["key"]?.stringValue { context[key] = data["value"] ?? .null }
        case JournalType.triggerAdded:
            if let id = data["trigger_id"]?.stringValue, let json = data["config"], let spec = try? TriggerSpec.parse(json) {
                dynamicTriggers.append((id, spec))
            }
        case JournalType.triggerRemoved:
            if let id = data["trigger_id"]?.stringValue {
                if dynamicTriggers.contains(where: { $0.id == id }) { dynamicTriggers.removeAll { $0.id == id } } else { removedTriggers.insert(id) }
            }
        case JournalType.secretRotated:
            if let secret = data["secret"]?.stringValue { rotations[secret] = ((rotations[secret]?.count ?? 0) + 1, entry.time) }
        case JournalType.missionEvaluation:
            evaluations.append(data)
        case JournalType.missionState, JournalType.missionFailed:
            if let state = data["state"]?.stringValue.flatMap(MissionState.init(rawValue:)) { missionState = state }
        case JournalType.anomaly:
            anomalies.append(data)
            if let id = data["paused_run"]?.stringValue { pausedRuns.insert(id) }
        case JournalType.anomaliesCleared:
            anomalies = []
        case JournalType.restart:
            if data["counts"] != .bool(false) { restartCount += 1 }
            consecutiveFailures = 0
        case JournalType.restartExhausted:
            restartExhausted = true
        case JournalType.runInterrupted:
            if let id = data["invocation_id"]?.stringValue, inFlight.removeValue(forKey: id) != nil { interrupted.insert(id) }
        case JournalType.budgetViolation, JournalType.error:
            if let id = data["paused_run"]?.stringValue { pausedRuns.insert(id) }
        case JournalType.deadLetter:
            deadLetters.append(data)
            if deadLetters.count > max(config.triggerDelivery.deadLetterSize, 1) { deadLetters.removeFirst() }
            if let event = QueuedEvent(json: data["event"]) { queue.removeAll { $0 == event } }
        case JournalType.removed:
            removed = true
        default:
            break
        }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
