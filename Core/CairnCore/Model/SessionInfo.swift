public import Foundation

/// What a store keeps about a session besides its log.
public struct SessionInfo: Sendable, Hashable, Codable {
    /// The session's id.
    public var id: SessionID
    /// The session it was forked from, if any.
    public var parent: SessionID?
    /// How many of the parent's entries it inherits (its own entries start at this sequence number).
    public var forkPoint: Int
    /// The agent name that selects the handler (may be empty).
    public var agent: String
    /// Free-form string metadata, given to handlers as `PUGMARK_SESSION_METADATA`.
    public var metadata: [String: String]
    /// When the session was created.
    public var created: Date

    /// Creates session information. A root session has no parent and a fork point of 0.
    public init(id: SessionID, parent: SessionID? = nil, forkPoint: Int = 0, agent: String = "", metadata: [String: String] = [:], created: Date) {
        self.id = id
        self.parent = parent
        self.forkPoint = forkPoint
        self.agent = agent
        self.metadata = metadata
        self.created = Timestamps.truncatedToMilliseconds(created)
    }

    enum CodingKeys: String, CodingKey {
        case id, parent, agent, metadata, created
        case forkPoint = "fork-point"
    }
}

/// Where a session stands, derived from the last entry of its log.
public enum SessionStatus: Sendable, Hashable, CustomStringConvertible {
    /// A new event waits for the handler.
    case pending
    /// Paused until the next push.
    case paused(reason: String)
    /// Sleeping until a time, then woken by a `wake` entry.
    case sleeping(until: Date)
    /// Finished; never invoked again.
    case finished
    /// The last invocation failed; a push or a wake retries.
    case failed(message: String)

    /// Derives the status from the last entry of a log (nil for an empty log, which is pending).
    /// `body` gives the decoded body of that entry when the reason or message is wanted.
    public static func derive(last: Entry?, body: Data? = nil) -> SessionStatus {
        guard let last else { return .pending }
        let text = body.map { String(decoding: $0, as: UTF8.self) } ?? ""
        switch last.event {
        case .pause: return .paused(reason: ControlRecord.reason(of: body))
        case .sleep: return .sleeping(until: last.wakeTime ?? last.time)
        case .finish: return .finished
        case .error: return .failed(message: ErrorReport.decode(body)?.message ?? text)
        default: return .pending
        }
    }

    /// A short word for listings: `pending`, `paused`, `sleeping`, `finished`, `failed`.
    public var word: String {
        switch self {
        case .pending: "pending"
        case .paused: "paused"
        case .sleeping: "sleeping"
        case .finished: "finished"
        case .failed: "failed"
        }
    }

    public var description: String {
        switch self {
        case .pending: "pending"
        case .paused(let reason): reason.isEmpty ? "paused" : "paused (\(reason))"
        case .sleeping(let until): "sleeping until \(Timestamps.format(until))"
        case .finished: "finished"
        case .failed(let message): "failed: \(message)"
        }
    }
}
