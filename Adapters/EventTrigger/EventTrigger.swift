public import CairnCore
public import CairnTriggers
import Foundation

/// The `event` trigger kind: fires when an entry matching it is appended to any session, so one
/// agent's reply can start another agent without polling of its own.
///
/// It reads the heads of the store's sessions every `poll_interval_seconds` and looks at the
/// entries appended since. A matching entry fires with the entry's body as the payload and the
/// fire id `SESSION:SEQ`, so two nodes record it once. It ignores system logs, the sessions it
/// feeds itself (so it cannot start itself in a loop), and entries older than its fire log.
public struct EventTrigger: Trigger {
    /// The keys it takes.
    public static let keys: Set<String> = ["event_type", "event_source", "from_agent", "content_type", "poll_interval_seconds"]

    let name: String
    let kinds: Set<String>
    let sources: Set<String>?
    let agents: Set<String>?
    let contentType: String?
    let pollInterval: TimeInterval

    /// Reads the options of `configuration`.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and the value.
    public init(_ configuration: TriggerConfiguration) throws {
        let options = configuration.options
        try options.allowing(Self.keys)
        name = configuration.definition.name
        kinds = Set(try Self.list(options, "event_type") ?? ["push"])
        let known: Set<String> = ["start", "fork", "push", "wake", "pause", "sleep", "finish", "error", "step"]
        if let unknown = kinds.sorted().first(where: { !known.contains($0) }) {
            throw options.invalid("event_type '\(unknown.prefix(40))' is not an entry kind; use one or more of: \(known.sorted().joined(separator: ", "))")
        }
        sources = try Self.list(options, "event_source").map(Set.init)
        agents = try Self.list(options, "from_agent").map(Set.init)
        contentType = try options.string("content_type")
        pollInterval = try options.number("poll_interval_seconds", in: 0.01...3600) ?? 0.5
    }

    private static func list(_ options: ComponentOptions, _ key: String) throws -> [String]? {
        if case .string(let one)? = options.values[key] { return [one] }
        return try options.strings(key)
    }

    /// Whether `entry` of `session` fires the trigger.
    func matches(_ entry: Entry, in session: SessionInfo) -> Bool {
        guard kinds.contains(entry.event.name), entry.source != "trigger" || session.metadata["trigger"] != name else { return false }
        if let sources, !sources.contains(entry.source) { return false }
        if let contentType, !entry.header.contentType.hasPrefix(contentType) { return false }
        return true
    }

    public func run(_ context: TriggerContext) async throws {
        let since = await context.log.created
        var scanned: [SessionID: Int] = [:]
        while true {
            try Task.checkCancellation()
            for info in try await context.store.listSessions() where !info.isSystem && info.metadata["trigger"] != name {
                if let agents, !agents.contains(info.agent) { continue }
                let head = try await context.store.ownHead(info.id)
                let from = max(scanned[info.id] ?? info.forkPoint, info.forkPoint)
                guard head.length > from else { continue }
                for entry in try await context.store.readOwn(info.id, from: from, limit: nil) where entry.time >= since && matches(entry, in: info) {
                    try Task.checkCancellation()
                    var body = Data()
                    if let digest = entry.digest { body = try await context.store.get(digest) }
                    let fire = TriggerFire(
                        id: "\(info.id):\(entry.seq)", time: entry.time, payload: body, contentType: entry.header.contentType,
                        metadata: [
                            "source-session": info.id.rawValue, "source-seq": String(entry.seq), "source-agent": info.agent,
                            "source-event": entry.event.name,
                        ])
                    _ = try await context.fire(fire)
                }
                scanned[info.id] = head.length
            }
            try await context.clock.sleep(until: context.clock.now().addingTimeInterval(pollInterval))
        }
    }

    /// Registers the kind as `event`.
    public static func register(in components: inout Components) {
        components.register(.trigger, "event", summary: "fires when a matching entry is appended to any session") { configuration in
            try EventTrigger(configuration)
        }
    }
}
