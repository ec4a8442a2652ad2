public import CairnCore
public import Foundation

/// The outcome of an `ask`.
public enum AskOutcome: Sendable, Hashable {
    /// Answered by run `invocation` at `at`.
    case answered(question: String, text: String, at: Date, invocation: String)
    /// No answer within the timeout.
    case timeout(question: String)
}

extension ProcessService {
    /// Queues an operator message (it starts a run when the process takes runs).
    /// - Returns: the message as stored (id, expiry).
    /// - Throws: ``ProcessError`` (`INBOX_DISABLED`, `PROCESS_NOT_RUNNING`, `INVALID_TYPE`,
    ///   `INVALID_FIELD`, `INBOX_FULL`, `RATE_LIMITED`).
    public func send(
        _ name: String, content: String, type: String, priority: String, sender: String?, ttl: Double?, metadata: [String: String]
    ) async throws -> InboxMessage {
        let record = try record(name)
        guard record.config.inboxSettings.enabled else {
            throw ProcessError("INBOX_DISABLED", status: 400, "process '\(name)' has no inbox; deploy it with config.inbox.enabled: true")
        }
        guard record.state.acceptsEvents else { throw ProcessError.notRunning(name, record.state) }
        guard let kind = InboxMessage.Kind(rawValue: type) else {
            throw ProcessError(
                "INVALID_TYPE", status: 422, "'message_type' must be one of: \(InboxMessage.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let now = clock.now()
        let id = "msg-" + UUID().uuidString.lowercased().prefix(12)
        var message = InboxMessage(
            id: String(id), type: kind, content: content, priority: priority, senderID: sender, created: now,
            expires: ttl.map { now.addingTimeInterval($0) }, metadata: metadata)
        var inbox = record.inbox
        do {
            message = try inbox.prepare(message, now: now)
            try inbox.add(message, now: now)
        } catch { throw ProcessError(error) }
        let body = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        guard let data = try? JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) else { return message }
        try await journal(name, [(JournalType.message, data)])
        poke()
        return message
    }

    /// Asks a question and waits up to `timeout` seconds for a run's `ANSWER Qn:`.
    /// - Throws: as ``send(_:content:type:priority:sender:ttl:metadata:)``; ``ProcessError``
    ///   `QUESTION_REMOVED` when the inbox dropped the question before it was answered.
    public func ask(_ name: String, content: String, priority: String, sender: String?, timeout: Double) async throws -> AskOutcome {
        let message = try await send(name, content: content, type: "question", priority: priority, sender: sender, ttl: timeout + 60, metadata: [:])
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            if let answer = live[name]?.record.answers[message.id] {
                return .answered(question: message.id, text: answer.text, at: answer.at, invocation: answer.run)
            }
            guard let record = live[name]?.record, record.inbox.messages[message.id] != nil else {
                throw ProcessError("QUESTION_REMOVED", status: 410, "the question \(message.id) was removed from the inbox before it was answered")
            }
            if ContinuousClock.now >= deadline { return .timeout(question: message.id) }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// The inbox as the API lists it.
    public func inboxListing(_ name: String) throws -> JSONValue {
        let record = try record(name)
        let now = clock.now()
        let pending = record.inbox.pending(now: now)
        var result: [String: JSONValue] = [
            "enabled": .bool(record.config.inboxSettings.enabled),
            "pending_messages": .number(Double(pending.count)),
            "pending_questions": .number(Double(pending.filter { $0.type == .question }.count)),
            "messages": .array(
                pending.sorted { $0.created < $1.created }.map { message in
                    .object([
                        "message_id": .string(message.id), "type": .string(message.type.rawValue), "priority": .string(message.priority),
                        "age_seconds": .number((now.timeIntervalSince(message.created) * 10).rounded() / 10),
                        "sender_id": message.senderID.map(JSONValue.string) ?? .null,
                    ])
                }),
        ]
        if let oldest = pending.map(\.created).min() { result["oldest_message_age_seconds"] = .number(now.timeIntervalSince(oldest)) }
        return .object(result)
    }

    /// Removes every message of the inbox (questions waiting get `QUESTION_REMOVED`).
    public func clearInbox(_ name: String) async throws {
        _ = try record(name)
        try await journal(name, [(JournalType.messagesRemoved, .object(["all": .bool(true)]))])
    }
}
