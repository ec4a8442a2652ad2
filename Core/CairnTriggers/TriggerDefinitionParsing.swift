public import CairnCore
import Crypto
import Foundation

extension TriggerDefinition {
    /// The keys every trigger takes; the others belong to its kind.
    public static let commonKeys: Set<String> = ["name", "type", "agent", "session", "filter_expression"]

    /// Parses one trigger mapping (`{type: cron, cron_expression: ..., agent: reporter}`).
    /// - Parameters:
    ///   - name: its name; nil derives `<type>-<10 hex digits of the SHA-256 of the mapping>`.
    ///   - agent: the agent its fires start when the mapping names none (a handler's own triggers).
    ///   - location: where it is, for messages (`triggers.nightly`).
    /// - Throws: ``TriggerError/invalid(_:)`` naming the key and the value.
    public static func parse(
        _ value: JSONValue, name: String? = nil, agent defaultAgent: String? = nil, origin: Origin = .config, baseDirectory: String,
        location: String
    ) throws -> TriggerDefinition {
        guard case .object(var fields) = value else {
            throw TriggerError.invalid("\(location) must be a mapping with at least 'type' and 'agent' (or 'session')")
        }
        guard case .string(let kind)? = fields["type"], !kind.isEmpty else {
            throw TriggerError.invalid("\(location) needs 'type': the trigger kind (cron, interval, webhook, file_watch, event)")
        }
        let given: String?
        switch fields["name"] {
        case .string(let text)?: given = text
        case nil: given = nil
        default: throw TriggerError.invalid("\(location).name must be a string")
        }
        let resolvedName = try validName(given ?? name ?? derivedName(kind: kind, mapping: value), location: location)
        let agent: String?
        switch fields["agent"] {
        case .string(let text)?: agent = text
        case nil: agent = defaultAgent
        default: throw TriggerError.invalid("\(location).agent must be a string: the agent name whose handler serves the fires")
        }
        if let agent, SystemLogs.isSystem(agent: agent) {
            throw TriggerError.invalid("\(location).agent '\(agent)' is reserved: agent names starting with 'cairn.' are system logs")
        }
        let target = try parseTarget(fields["session"], agent: agent, location: location)
        var filter: String?
        switch fields["filter_expression"] {
        case .string(let text)?:
            do { _ = try FilterExpression(text) } catch { throw TriggerError.invalid("\(location).filter_expression: \(error)") }
            filter = text
        case nil, .null?: filter = nil
        default: throw TriggerError.invalid("\(location).filter_expression must be a string")
        }
        for key in commonKeys { fields[key] = nil }
        return TriggerDefinition(
            name: resolvedName, kind: kind, options: fields, target: target, filter: filter, origin: origin, baseDirectory: baseDirectory)
    }

    /// Parses a `triggers:` section: a mapping of names to triggers, or a list of triggers
    /// (named by their `name` key or a derived one).
    /// - Throws: ``TriggerError/invalid(_:)``.
    public static func parseSection(_ value: JSONValue, agent: String? = nil, baseDirectory: String, location: String) throws -> [TriggerDefinition] {
        switch value {
        case .object(let entries):
            return try entries.sorted { $0.key < $1.key }.map { name, entry in
                try parse(entry, name: name, agent: agent, baseDirectory: baseDirectory, location: "\(location).\(name)")
            }
        case .array(let entries):
            return try entries.enumerated().map { index, entry in
                try parse(entry, agent: agent, baseDirectory: baseDirectory, location: "\(location)[\(index)]")
            }
        case .null:
            return []
        default:
            throw TriggerError.invalid("\(location) must map trigger names to triggers, or list triggers")
        }
    }

    private static func parseTarget(_ value: JSONValue?, agent: String?, location: String) throws -> TriggerTarget {
        let mode: String
        switch value {
        case nil, .null?: mode = "new"
        case .string(let text)?: mode = text
        default: throw TriggerError.invalid("\(location).session must be 'new', 'shared' or a session id")
        }
        switch mode {
        case "new", "shared":
            guard let agent, !agent.isEmpty else {
                throw TriggerError.invalid("\(location) needs 'agent': the agent whose sessions its fires start (or 'session: <id>')")
            }
            return mode == "new" ? .newSession(agent: agent) : .sharedSession(agent: agent)
        default:
            do { return .session(try SessionID(mode)) } catch {
                throw TriggerError.invalid("\(location).session must be 'new', 'shared' or a session id, not '\(mode.prefix(60))'")
            }
        }
    }

    /// Checks a trigger name: 1 to 100 letters, digits, `.`, `_` or `-`.
    /// - Throws: ``TriggerError/invalid(_:)``.
    public static func validName(_ name: String, location: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ allowed.contains($0) }) else {
            throw TriggerError.invalid("\(location): trigger name '\(name.prefix(100))' must be 1 to 100 letters, digits, '.', '_' or '-'")
        }
        return name
    }

    private static func derivedName(kind: String, mapping: JSONValue) -> String {
        let canonical = (try? String(decoding: JSONEncoder.sorted.encode(mapping), as: UTF8.self)) ?? mapping.text
        let hex = SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(kind)-\(hex.prefix(10))"
    }
}

extension JSONEncoder {
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
