public import CairnCore
import Crypto
public import Foundation

/// The configuration of an agent process in promptise's `ProcessConfig` shape: the model,
/// instructions, triggers and the process, budget, health, mission, inbox, context, secrets and
/// delivery settings, with promptise's field names and defaults.
///
/// It keeps the mapping it was given (``json``) and reads typed values from it, so what an
/// operator deployed is what the API shows back. ``parse(_:)`` checks every field strictly.
public struct ProcessConfig: Sendable, Hashable {
    /// The mapping as deployed (after `${VAR}` resolution for manifests).
    public private(set) var json: [String: JSONValue]
    /// The triggers, in order.
    public let triggers: [TriggerSpec]

    /// Checks and reads a configuration.
    /// - Parameter path: how errors name the mapping (`config` over the API; empty for a
    ///   manifest, whose sections are top-level keys).
    /// - Throws: ``ProcessConfigError`` naming the first field that is wrong.
    public static func parse(_ value: JSONValue, at path: String = "config") throws(ProcessConfigError) -> ProcessConfig {
        guard case .object(let object) = value else { throw .invalid("'\(path.isEmpty ? "config" : path)' must be a JSON object") }
        try schema.check(object, at: path)
        let prefix = path.isEmpty ? "" : path + "."
        var triggers: [TriggerSpec] = []
        for (index, item) in (object["triggers"]?.arrayValue ?? []).enumerated() {
            triggers.append(try TriggerSpec.parse(item, at: "\(prefix)triggers[\(index)]"))
        }
        if case .array = object["triggers"] ?? .array([]) {} else { throw .invalid("\(prefix)triggers must be a list") }
        if let model = object["model"]?.stringValue { _ = try ProcessModel.parse(model, at: "\(prefix)model") }
        return ProcessConfig(json: object, triggers: triggers)
    }

    /// The same configuration with one section replaced (a live patch).
    /// - Throws: ``ProcessConfigError`` when the result does not check.
    public func replacing(_ key: String, with value: JSONValue) throws(ProcessConfigError) -> ProcessConfig {
        var json = self.json
        json[key] = value
        return try Self.parse(.object(json))
    }

    /// `${VAR}` references anywhere in a configuration (refused over the API).
    public static func environmentReferences(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return references(in: text)
        case .array(let items): return items.flatMap(environmentReferences)
        case .object(let object): return object.keys.sorted().flatMap { environmentReferences(in: object[$0] ?? .null) }
        default: return []
        }
    }

    /// The `${NAME}` references of one string.
    static func references(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let name = rest[start.upperBound..<end]
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { found.append(String(name)) }
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    /// `value` with every `${VAR}` replaced from `environment` (manifests, at load time).
    /// - Throws: ``ProcessConfigError`` naming an unset variable.
    public static func resolvingEnvironment(_ value: JSONValue, _ environment: [String: String], at path: String) throws(ProcessConfigError)
        -> JSONValue
    {
        switch value {
        case .string(var text):
            for name in references(in: text) {
                guard let found = environment[name] else {
                    throw .invalid("\(path) refers to ${\(name)}, which is not set in the environment; set it or write the value")
                }
                text = text.replacingOccurrences(of: "${\(name)}", with: found)
            }
            return .string(text)
        case .array(let items):
            var result: [JSONValue] = []
            for (index, item) in items.enumerated() { result.append(try resolvingEnvironment(item, environment, at: "\(path)[\(index)]")) }
            return .array(result)
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, item) in object { result[key] = try resolvingEnvironment(item, environment, at: path.isEmpty ? key : "\(path).\(key)") }
            return .object(result)
        default:
            return value
        }
    }

    /// Stable ids of configured triggers: `<type>-<first 10 hex digits of the SHA-256 of the
    /// trigger's canonical JSON, secrets masked>`; identical configurations get `-2`, `-3`, ...
    public static func triggerIDs(_ triggers: [TriggerSpec]) -> [String] {
        var seen: [String: Int] = [:]
        return triggers.map { spec in
            let base = spec.baseID
            seen[base, default: 0] += 1
            return seen[base] == 1 ? base : "\(base)-\(seen[base] ?? 1)"
        }
    }

    // MARK: typed reads

    func section(_ key: String) -> [String: JSONValue] { json[key]?.objectValue ?? [:] }
    func number(_ key: String, _ fallback: Double) -> Double { json[key]?.numberValue ?? fallback }

    /// The model id (`openai:NAME`, `anthropic:NAME`).
    public var model: String { json["model"]?.stringValue ?? "openai:gpt-5-mini" }
    /// The system prompt.
    public var instructions: String { json["instructions"]?.stringValue ?? "" }
    /// Runs at once.
    public var concurrency: Int { Int(number("concurrency", 1)) }
    /// Seconds without a run before the process suspends itself (0: never).
    public var idleTimeout: Double { number("idle_timeout", 0) }
    /// Seconds a process lives before it stops (`always` recycles it instead); 0: unlimited.
    public var maxLifetime: Double { number("max_lifetime", 0) }
    /// Failed runs in a row that put the process in `failed`.
    public var maxConsecutiveFailures: Int { Int(number("max_consecutive_failures", 3)) }
    /// `never`, `on_failure` or `always`.
    public var restartPolicy: String { json["restart_policy"]?.stringValue ?? "never" }
    /// Seconds a graceful stop waits for runs in flight.
    public var drainTimeout: Double { number("drain_timeout", 5) }
    /// Automatic restarts in a row before giving up.
    public var maxRestarts: Int { Int(number("max_restarts", 3)) }
    /// Seconds before the first automatic restart; doubles each time, at most 60.
    public var restartBackoff: Double { number("restart_backoff", 1) }
    /// Seconds one run may take (0: unlimited).
    public var maxInvocationTime: Double { number("max_invocation_time", 0) }

    /// The budget section.
    public var budget: BudgetSettings { BudgetSettings(section("budget")) }
    /// The health section.
    public var health: HealthSettings { HealthSettings(section("health")) }
    /// The mission section.
    public var mission: MissionSettings { MissionSettings(section("mission")) }
    /// The inbox section.
    public var inboxSettings: InboxSettings { InboxSettings(section("inbox")) }
    /// The context section.
    public var context: ContextSettings { ContextSettings(section("context")) }
    /// The secrets section.
    public var secrets: SecretSettings { SecretSettings(section("secrets")) }
    /// The trigger delivery section.
    public var triggerDelivery: DeliverySettings { DeliverySettings(section("trigger_delivery")) }
}

/// A model id of a process: `PROVIDER:NAME`, the provider a model-provider component's name.
public struct ProcessModel: Sendable, Hashable {
    /// The component name of the provider (`openai`, `anthropic`).
    public var provider: String
    /// The model's name at the provider.
    public var name: String

    /// Reads `provider:name`.
    /// - Throws: ``ProcessConfigError`` for another form or provider.
    public static func parse(_ text: String, at path: String = "config.model") throws(ProcessConfigError) -> ProcessModel {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalid("\(path) '\(text)' must be PROVIDER:NAME, e.g. openai:gpt-4o-mini or anthropic:claude-sonnet-4-5")
        }
        return ProcessModel(provider: parts[0], name: parts[1])
    }
}

extension TriggerSpec {
    var baseID: String {
        var masked = json
        for key in masked.keys where TriggerSpecFields.secretKeys.contains(key) { masked[key] = .string("********") }
        let digest = SHA256.hash(data: Data(JSONValue.object(masked).canonicalText.utf8))
        return "\(type)-\(digest.map { String(format: "%02x", $0) }.joined().prefix(10))"
    }
}
