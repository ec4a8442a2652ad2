public import Foundation

/// Why a message was refused by an inbox, with the API's code and status.
public struct InboxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `INVALID_TYPE`, `INVALID_FIELD`, `INBOX_FULL`, `RATE_LIMITED`.
    public let code: String
    /// The HTTP status.
    public let status: Int
    /// What was wrong.
    public let message: String

    public var description: String { message }
}

/// One operator message in a process's inbox.
public struct InboxMessage: Sendable, Hashable, Codable {
    /// `directive`, `context`, `question` or `correction`.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case directive, context, question, correction
    }

    public var id: String
    public var type: Kind
    public var content: String
    /// `low`, `normal`, `high` or `critical`.
    public var priority: String
    public var senderID: String?
    public var created: Date
    public var expires: Date?
    public var metadata: [String: String]

    /// Creates a message.
    public init(
        id: String, type: Kind, content: String, priority: String = "normal", senderID: String? = nil, created: Date, expires: Date? = nil,
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.type = type
        self.content = content
        self.priority = priority
        self.senderID = senderID
        self.created = created
        self.expires = expires
        self.metadata = metadata
    }

    /// The priorities, lowest first.
    public static let priorities = ["low", "normal", "high", "critical"]
    var rank: Int { Self.priorities.firstIndex(of: priority) ?? 1 }
    func expired(at now: Date) -> Bool { expires.map { $0 <= now } ?? false }
}

/// A process's inbox with promptise's rules: a capacity (an answered question is evicted first,
/// else the oldest message of the lowest priority; never a critical one, never for a newcomer of
/// lower priority), content truncated to the maximum length, TTLs capped, and a limit of messages
/// per sender per hour. A value: the process folds it from its journal.
public struct Inbox: Sendable, Hashable {
    public var settings: InboxSettings
    /// The messages held, by id.
    public private(set) var messages: [String: InboxMessage] = [:]
    /// Questions answered (kept until evicted or consumed).
    public private(set) var answered: Set<String> = []
    /// Acceptance times per sender (for the hourly limit).
    private var accepted: [String: [Date]] = [:]

    /// An inbox with `settings`.
    public init(settings: InboxSettings = InboxSettings([:])) {
        self.settings = settings
    }

    /// Prepares `message` as the inbox would store it: content checked and truncated, expiry set.
    /// - Throws: ``InboxError`` for empty content or an unknown priority.
    public func prepare(_ message: InboxMessage, now: Date) throws(InboxError) -> InboxMessage {
        var message = message
        guard InboxMessage.priorities.contains(message.priority) else {
            throw InboxError(
                code: "INVALID_FIELD", status: 422, message: "'priority' must be one of: \(InboxMessage.priorities.joined(separator: ", "))")
        }
        guard !message.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw InboxError(code: "INVALID_FIELD", status: 422, message: "'content' must be a non-empty string")
        }
        if message.content.count > settings.maxMessageLength { message.content = String(message.content.prefix(settings.maxMessageLength)) }
        if message.expires == nil, settings.defaultTTL > 0 {
            let ttl = settings.maxTTL <= 0 ? settings.defaultTTL : min(settings.defaultTTL, settings.maxTTL)
            message.expires = now.addingTimeInterval(ttl)
        } else if let expires = message.expires, settings.maxTTL > 0 {
            message.expires = min(expires, now.addingTimeInterval(settings.maxTTL))
        }
        return message
    }

    /// Adds a prepared message, evicting one if full.
    /// - Returns: the id of the message evicted, if any.
    /// - Throws: ``InboxError`` `RATE_LIMITED` or `INBOX_FULL`.
    @discardableResult
    public mutating func add(_ message: InboxMessage, now: Date) throws(InboxError) -> String? {
        purge(now: now)
        let sender = message.senderID ?? ""
        let recent = (accepted[sender] ?? []).filter { now.timeIntervalSince($0) < 3600 }
        accepted[sender] = recent
        if recent.count >= settings.rateLimitPerSender {
            throw InboxError(
                code: "RATE_LIMITED", status: 429,
                message: "sender '\(sender)' sent \(recent.count) messages in the last hour (limit \(settings.rateLimitPerSender)); wait and retry")
        }
        var evicted: String?
        if messages.count >= settings.maxMessages {
            evicted = try victim(for: message)
            if let evicted { remove(evicted) }
        }
        messages[message.id] = message
        accepted[sender, default: []].append(now)
        return evicted
    }

    private func victim(for incoming: InboxMessage) throws(InboxError) -> String? {
        if let done = messages.values.filter({ answered.contains($0.id) }).min(by: { $0.created < $1.created }) { return done.id }
        guard let victim = messages.values.filter({ $0.priority != "critical" }).min(by: { ($0.rank, $0.created) < ($1.rank, $1.created) })
        else {
            throw InboxError(
                code: "INBOX_FULL", status: 409,
                message: "the inbox is full (\(settings.maxMessages) messages, all critical); wait for the agent to consume them or clear the inbox")
        }
        if incoming.rank < victim.rank {
            throw InboxError(
                code: "INBOX_FULL", status: 409,
                message:
                    "the inbox is full (\(settings.maxMessages) messages) and every message has a higher priority than '\(incoming.priority)'; send it with a higher priority or wait"
            )
        }
        return victim.id
    }

    /// Removes a message.
    public mutating func remove(_ id: String) {
        messages[id] = nil
        answered.remove(id)
    }

    /// Removes every message.
    public mutating func clear() {
        messages = [:]
        answered = []
    }

    /// Records the answer of a question.
    public mutating func answer(question id: String) {
        if messages[id] != nil { answered.insert(id) }
    }

    /// Removes the messages a successful run consumed (questions stay until answered).
    public mutating func consume(_ ids: [String]) {
        for id in ids where messages[id]?.type != .question { messages[id] = nil }
    }

    /// Drops expired messages.
    public mutating func purge(now: Date) {
        for (id, message) in messages where message.expired(at: now) { remove(id) }
    }

    /// Pending messages in prompt order: highest priority first, then oldest; answered questions
    /// and expired messages left out.
    public func pending(now: Date) -> [InboxMessage] {
        messages.values.filter { !$0.expired(at: now) && !answered.contains($0.id) }
            .sorted { ($1.rank, $0.created, $0.id) < ($0.rank, $1.created, $1.id) }
    }
}
