public import CairnCore

/// An agent process described by a `.agent` file, in promptise's manifest format: `version`,
/// `name`, `model`, `instructions`, `triggers`, `world`, `memory`, `journal`, the `secrets`,
/// `budget`, `health`, `mission` and `context` sections, and `config` for any other process
/// setting (concurrency, inbox, restart policy, ...).
///
/// ``parse(_:environment:)`` checks every key (unknown keys are refused with a "did you mean"
/// hint), resolves `${VAR}` references from the environment, and turns the manifest into the
/// ``ProcessConfig`` mapping the orchestration API deploys.
public struct ProcessManifest: Sendable, Hashable {
    /// The process name.
    public let name: String
    /// The process configuration, `${VAR}` references resolved, checked by ``ProcessConfig/parse(_:at:)``.
    public let config: JSONValue

    /// The manifest's top-level keys. `entrypoint` is reserved (promptise does not read it either).
    static let keys: Set<String> = [
        "version", "name", "model", "instructions", "agent_pattern", "identity", "servers", "triggers", "world", "memory", "journal",
        "config", "execution_mode", "open_mode", "entrypoint", "hooks", "secrets", "budget", "health", "mission", "context",
    ]

    /// Keys with a section of their own, which `config:` may not set as well.
    static let dedicated: [String] = [
        "model", "instructions", "agent_pattern", "identity", "execution_mode", "open_mode", "servers", "triggers", "journal", "context",
        "secrets", "budget", "health", "mission", "hooks",
    ]

    /// `memory:` keys and the context field each sets.
    static let memoryKeys: [String: String] = [
        "provider": "memory_provider", "collection": "memory_collection", "persist_directory": "memory_persist_directory",
        "user_id": "memory_user_id", "auto_store": "memory_auto_store", "max": "memory_max", "min_score": "memory_min_score",
        "timeout": "memory_timeout",
    ]

    /// Reads a manifest (a YAML document already turned into JSON).
    /// - Parameters:
    ///   - value: the document.
    ///   - environment: where `${VAR}` references are looked up (secret values too).
    /// - Throws: ``ProcessConfigError`` naming the key path that is wrong and how to fix it.
    public static func parse(_ value: JSONValue, environment: [String: String]) throws(ProcessConfigError) -> ProcessManifest {
        guard case .object(let raw) = value else { throw .invalid("a manifest must be a YAML mapping with at least 'name:'") }
        for key in raw.keys.sorted() where !keys.contains(key) {
            throw .invalid("'\(key)' is not a manifest key\(ConfigSchema.hint(key, keys))")
        }
        guard case .object(let document) = try ProcessConfig.resolvingEnvironment(value, environment, at: "") else {
            throw .invalid("a manifest must be a YAML mapping")
        }
        if let version = document["version"], version != .string("1.0"), version != .number(1) {
            throw .invalid("version must be \"1.0\" (the only manifest version), not \(version.text)")
        }
        guard let name = document["name"]?.stringValue else { throw ProcessConfigError("MISSING_FIELD", "name is required: the process name") }
        guard ProcessService.isValidName(name) else {
            throw .invalid("name '\(name)' is not a valid process name: a letter, then up to 63 letters, digits, '_' or '-'")
        }
        var config: [String: JSONValue] = [:]
        if let overrides = document["config"] {
            guard case .object(let overrides) = overrides else { throw .invalid("config must be a mapping of process settings") }
            try ProcessConfig.schema.check(overrides, at: "config")
            let clashes = overrides.keys.filter { dedicated.contains($0) && document[$0] != nil || ($0 == "context" && hasContext(document)) }
            if let clash = clashes.sorted().first {
                throw .invalid(
                    "config.\(clash) is also set by the manifest's own '\(clash == "context" ? "context/world/memory" : clash)' section; set it in one place")
            }
            config = overrides
        }
        for key in dedicated where key != "context" {
            if let item = document[key], item != .null { config[key] = item }
        }
        if let context = try context(document) { config["context"] = .object(context) }
        _ = try ProcessConfig.parse(.object(config), at: "")
        return ProcessManifest(name: name, config: .object(config))
    }

    static func hasContext(_ document: [String: JSONValue]) -> Bool {
        document["context"] != nil || document["memory"] != nil || !(document["world"]?.objectValue ?? [:]).isEmpty
    }

    /// The context section: `context:`, with `world:` as its initial state and `memory:` as its
    /// `memory_*` fields (each option set in one place only).
    static func context(_ document: [String: JSONValue]) throws(ProcessConfigError) -> [String: JSONValue]? {
        guard hasContext(document) else { return nil }
        var context: [String: JSONValue] = [:]
        if let given = document["context"] {
            guard case .object(let given) = given else { throw .invalid("context must be a mapping") }
            context = given
        }
        if let world = document["world"] {
            guard case .object(let world) = world else { throw .invalid("world must be a mapping: the initial context state") }
            if !world.isEmpty, !(context["initial_state"]?.objectValue ?? [:]).isEmpty {
                throw .invalid("the initial state is set twice, in 'world:' and in 'context: initial_state'; use one of them")
            }
            if !world.isEmpty { context["initial_state"] = .object(world) }
        }
        if let memory = document["memory"] {
            guard case .object(let memory) = memory else { throw .invalid("memory must be a mapping") }
            for key in memory.keys.sorted() {
                guard let field = memoryKeys[key] else { throw .invalid("memory.\(key) is not a key\(ConfigSchema.hint(key, memoryKeys.keys))") }
                if context[field] != nil { throw .invalid("'memory: \(key)' and 'context: \(field)' set the same option; use one of them") }
                context[field] = memory[key]
            }
        }
        return context
    }
}
