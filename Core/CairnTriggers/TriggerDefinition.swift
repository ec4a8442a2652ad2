public import CairnCore
public import Foundation

/// Which session a trigger's fires are pushed into.
public enum TriggerTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A new session of the agent for every fire (`session: new`, the default).
    case newSession(agent: String)
    /// One long-lived session of the agent that every fire is pushed into (`session: shared`);
    /// its id is derived from the trigger's name, so every node uses the same one.
    case sharedSession(agent: String)
    /// An existing session (`session: <id>`).
    case session(SessionID)

    /// The agent whose sessions it creates, if it creates any.
    public var agent: String? {
        switch self {
        case .newSession(let agent), .sharedSession(let agent): agent
        case .session: nil
        }
    }

    public var description: String {
        switch self {
        case .newSession(let agent): "a new session of \(agent) per fire"
        case .sharedSession(let agent): "the shared session of \(agent)"
        case .session(let id): "session \(id)"
        }
    }
}

/// A configured trigger: its name, its kind, the kind's options, where its fires go and which
/// ones are delivered. Triggers come from the configuration file (``Origin/config``) or are added
/// at runtime (``Origin/dynamic``), through the HTTP API or `cairn trigger add`.
public struct TriggerDefinition: Sendable, Hashable, Codable {
    /// Where a definition came from.
    public enum Origin: String, Sendable, Hashable, Codable {
        /// The configuration file.
        case config
        /// Added at runtime; kept in the store's trigger registry.
        case dynamic
        /// Attached by another service that keeps it (an agent process's trigger): not in the
        /// registry, and removed only by its owner.
        case owned
    }

    /// Unique among the triggers of a store: names the trigger's fire log.
    public var name: String
    /// The kind (`cron`, `interval`, `webhook`, `file_watch`, `event`, ...).
    public var kind: String
    /// The kind's own keys (`cron_expression`, `webhook_path`, ...).
    public var options: [String: JSONValue]
    /// Where fires go.
    public var target: TriggerTarget
    /// A filter expression (Docs/triggers.md): a fire it refuses is not recorded.
    public var filter: String?
    /// Where it came from.
    public var origin: Origin
    /// The folder relative paths in the options resolve against.
    public var baseDirectory: String

    /// Creates a definition.
    public init(
        name: String, kind: String, options: [String: JSONValue] = [:], target: TriggerTarget, filter: String? = nil,
        origin: Origin = .config, baseDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.name = name
        self.kind = kind
        self.options = options
        self.target = target
        self.filter = filter
        self.origin = origin
        self.baseDirectory = baseDirectory
    }

    /// The definition as the configuration mapping it was read from, with secret values masked:
    /// what listings show.
    public var maskedMapping: JSONValue {
        var object: [String: JSONValue] = [:]
        for (key, value) in options { object[key] = Self.isSecretKey(key) ? .string("********") : value }
        object["type"] = .string(kind)
        switch target {
        case .newSession(let agent): object["agent"] = .string(agent)
        case .sharedSession(let agent):
            object["agent"] = .string(agent)
            object["session"] = .string("shared")
        case .session(let id): object["session"] = .string(id.rawValue)
        }
        if let filter { object["filter_expression"] = .string(filter) }
        return .object(object)
    }

    /// Whether an option's value is a secret (masked in listings): `hmac_secret`, `secret`,
    /// `token`, anything ending in `_secret` or `_token`, `password`.
    public static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower == "secret" || lower == "token" || lower == "password" || lower.hasSuffix("_secret") || lower.hasSuffix("_token")
            || lower.hasSuffix("_password")
    }
}
