public import CairnCore

/// The budget section (promptise's `BudgetConfig`); null limits are unlimited.
public struct BudgetSettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    /// Whether the budget is enforced.
    public var enabled: Bool { json["enabled"] == .bool(true) }
    public var maxToolCallsPerRun: Double? { json["max_tool_calls_per_run"]?.numberValue }
    public var maxLLMTurnsPerRun: Int? { json["max_llm_turns_per_run"]?.numberValue.map { Int($0) } }
    public var maxCostPerRun: Double? { json["max_cost_per_run"]?.numberValue }
    public var maxIrreversiblePerRun: Int? { json["max_irreversible_per_run"]?.numberValue.map { Int($0) } }
    public var maxToolCallsPerDay: Double? { json["max_tool_calls_per_day"]?.numberValue }
    public var maxRunsPerDay: Int? { json["max_runs_per_day"]?.numberValue.map { Int($0) } }
    public var maxCostPerDay: Double? { json["max_cost_per_day"]?.numberValue }
    /// `pause`, `stop` or `escalate`.
    public var onExceeded: String { json["on_exceeded"]?.stringValue ?? "pause" }
    /// Whether the remaining budget is shown to the model.
    public var injectRemaining: Bool { json["inject_remaining"] != .bool(false) }
    /// The fraction of a limit that warns.
    public var warningThreshold: Double { json["warning_threshold"]?.numberValue ?? 0.8 }
}

/// The health section (promptise's `HealthConfig`).
public struct HealthSettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    public var enabled: Bool { json["enabled"] == .bool(true) }
    public var stuckThreshold: Int { Int(json["stuck_threshold"]?.numberValue ?? 3) }
    public var loopWindow: Int { Int(json["loop_window"]?.numberValue ?? 20) }
    public var loopMinRepeats: Int { Int(json["loop_min_repeats"]?.numberValue ?? 2) }
    public var emptyThreshold: Int { Int(json["empty_threshold"]?.numberValue ?? 3) }
    public var emptyMaxChars: Int { Int(json["empty_max_chars"]?.numberValue ?? 10) }
    public var errorWindow: Int { Int(json["error_window"]?.numberValue ?? 10) }
    public var errorRateThreshold: Double { json["error_rate_threshold"]?.numberValue ?? 0.5 }
    /// `log`, `pause`, `escalate` or `stop`.
    public var onAnomaly: String { json["on_anomaly"]?.stringValue ?? "log" }
    public var cooldown: Double { json["cooldown"]?.numberValue ?? 300 }
}

/// The mission section (promptise's `MissionConfig`).
public struct MissionSettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    public var enabled: Bool { json["enabled"] == .bool(true) }
    public var objective: String { json["objective"]?.stringValue ?? "" }
    public var successCriteria: String { json["success_criteria"]?.stringValue ?? "" }
    /// The judge's model id (default: the process's model).
    public var evalModel: String? { json["eval_model"]?.stringValue }
    public var evalEvery: Int { max(1, Int(json["eval_every"]?.numberValue ?? 1)) }
    public var confidenceThreshold: Double { json["confidence_threshold"]?.numberValue ?? 0.7 }
    public var timeoutHours: Double { json["timeout_hours"]?.numberValue ?? 0 }
    public var maxInvocations: Int { Int(json["max_invocations"]?.numberValue ?? 0) }
    public var autoComplete: Bool { json["auto_complete"] != .bool(false) }
    /// `stop`, `continue` or `suspend` (null: `stop` when auto_complete).
    public var onComplete: String? { json["on_complete"]?.stringValue }
}

/// The inbox section (promptise's `InboxConfig`).
public struct InboxSettings: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var maxMessages: Int
    public var maxMessageLength: Int
    public var defaultTTL: Double
    public var maxTTL: Double
    public var rateLimitPerSender: Int

    /// Reads the section (defaults for what it does not set).
    public init(_ json: [String: JSONValue]) {
        enabled = json["enabled"] == .bool(true)
        maxMessages = Int(json["max_messages"]?.numberValue ?? 50)
        maxMessageLength = Int(json["max_message_length"]?.numberValue ?? 2000)
        defaultTTL = json["default_ttl"]?.numberValue ?? 3600
        maxTTL = json["max_ttl"]?.numberValue ?? 86400
        rateLimitPerSender = Int(json["rate_limit_per_sender"]?.numberValue ?? 20)
    }
}

/// The context section (promptise's `ContextConfig`).
public struct ContextSettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    /// Keys operators may write (empty: all).
    public var writableKeys: [String] { (json["writable_keys"]?.arrayValue ?? []).compactMap(\.stringValue) }
    /// The state a new process starts with.
    public var initialState: [String: JSONValue] { json["initial_state"]?.objectValue ?? [:] }
    /// Whether runs see the conversation so far.
    public var conversationHistory: Bool { json["conversation_history"] != .bool(false) }
    /// Messages kept (0: unlimited).
    public var conversationMaxMessages: Int { Int(json["conversation_max_messages"]?.numberValue ?? 100) }
    /// Whether stopping clears the conversation.
    public var conversationClearOnStop: Bool { json["conversation_clear_on_stop"] == .bool(true) }
}

/// The secrets section (promptise's `SecretScopeConfig`).
public struct SecretSettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    public var enabled: Bool { json["enabled"] == .bool(true) }
    /// Name → value (after `${VAR}` resolution).
    public var values: [(name: String, value: String)] {
        (json["secrets"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.compactMap { key, value in value.stringValue.map { (key, $0) } }
    }
    public var defaultTTL: Double? { json["default_ttl"]?.numberValue }
    public func ttl(of name: String) -> Double? { json["ttls"]?[name]?.numberValue ?? defaultTTL }
    public var revokeOnStop: Bool { json["revoke_on_stop"] != .bool(false) }
}

/// The trigger delivery section (promptise's `TriggerDeliveryConfig`).
public struct DeliverySettings: Sendable, Hashable {
    let json: [String: JSONValue]
    init(_ json: [String: JSONValue]) { self.json = json }

    public var maxRetries: Int { Int(json["max_retries"]?.numberValue ?? 0) }
    public var deadLetterSize: Int { Int(json["dead_letter_size"]?.numberValue ?? 100) }
    public var maxPayloadChars: Int { Int(json["max_payload_chars"]?.numberValue ?? 20_000) }
}

extension ProcessConfig {
    static let budgetSchema = ConfigSchema(
        [
            "enabled": .bool, "max_tool_calls_per_run": .int(min: 1, max: nil), "max_llm_turns_per_run": .int(min: 1, max: nil),
            "max_cost_per_run": .number(min: 0, exclusiveMin: true, max: nil), "max_irreversible_per_run": .int(min: 0, max: nil),
            "max_tool_calls_per_day": .int(min: 1, max: nil), "max_runs_per_day": .int(min: 1, max: nil),
            "max_cost_per_day": .number(min: 0, exclusiveMin: true, max: nil), "tool_costs": .object,
            "on_exceeded": .oneOf(["pause", "stop", "escalate"]), "escalation": .any, "daily_reset_hour_utc": .int(min: 0, max: 23),
            "inject_remaining": .bool, "warning_threshold": .number(min: 0, exclusiveMin: false, max: 1),
        ],
        nullable: [
            "max_tool_calls_per_run", "max_llm_turns_per_run", "max_cost_per_run", "max_irreversible_per_run", "max_tool_calls_per_day",
            "max_runs_per_day", "max_cost_per_day", "escalation",
        ])

    static let healthSchema = ConfigSchema(
        [
            "enabled": .bool, "stuck_threshold": .int(min: 2, max: nil), "loop_window": .int(min: 4, max: nil),
            "loop_min_repeats": .int(min: 2, max: nil), "empty_threshold": .int(min: 2, max: nil), "empty_max_chars": .int(min: 0, max: nil),
            "error_window": .int(min: 2, max: nil), "error_rate_threshold": .number(min: 0, exclusiveMin: true, max: 1),
            "on_anomaly": .oneOf(["log", "pause", "escalate", "stop"]), "cooldown": .number(min: 0, exclusiveMin: false, max: nil),
            "escalation": .any,
        ], nullable: ["escalation"])

    static let missionSchema = ConfigSchema(
        [
            "enabled": .bool, "objective": .string, "success_criteria": .string, "eval_model": .string, "eval_every": .int(min: 1, max: nil),
            "confidence_threshold": .number(min: 0, exclusiveMin: false, max: 1), "timeout_hours": .number(min: 0, exclusiveMin: false, max: nil),
            "max_invocations": .int(min: 0, max: nil), "auto_complete": .bool, "on_complete": .oneOf(["stop", "continue", "suspend"]),
            "escalation": .any, "success_check": .unsupported(allowed: nil, why: "a success_check is Python code; Cairn judges with eval_model"),
        ], nullable: ["eval_model", "on_complete", "escalation"])

    static let inboxSchema = ConfigSchema([
        "enabled": .bool, "max_messages": .int(min: 1, max: nil), "max_message_length": .int(min: 1, max: nil),
        "default_ttl": .number(min: 0, exclusiveMin: false, max: nil), "max_ttl": .number(min: 0, exclusiveMin: false, max: nil),
        "rate_limit_per_sender": .int(min: 1, max: nil), "scan_with_guardrails": .bool,
    ])

    static let contextSchema = ConfigSchema(
        [
            "writable_keys": .strings, "memory_provider": .unsupported(allowed: nil, why: "Cairn has no long-term memory providers yet"),
            "memory_max": .int(min: 1, max: nil), "memory_min_score": .number(min: 0, exclusiveMin: false, max: 1),
            "memory_timeout": .number(min: 0, exclusiveMin: true, max: nil), "memory_auto_store": .bool, "memory_collection": .string,
            "memory_persist_directory": .string, "memory_user_id": .string, "conversation_max_messages": .int(min: 0, max: nil),
            "conversation_history": .bool, "conversation_clear_on_stop": .bool, "state_tool": .bool, "file_mounts": .object,
            "env_prefix": .string, "initial_state": .object,
        ], nullable: ["memory_provider", "memory_persist_directory"])

    /// promptise's `JournalConfig`. Cairn always journals into the process's log, so these are
    /// checked and kept but change nothing.
    static let journalSchema = ConfigSchema([
        "level": .oneOf(["none", "checkpoint", "full"]), "backend": .oneOf(["file", "memory"]), "path": .string, "recover_on_start": .bool,
    ])

    static let secretsSchema = ConfigSchema(
        [
            "enabled": .bool, "secrets": .object, "default_ttl": .number(min: 0, exclusiveMin: true, max: nil), "ttls": .object,
            "revoke_on_stop": .bool,
        ], nullable: ["default_ttl"])

    static let deliverySchema = ConfigSchema([
        "max_retries": .int(min: 0, max: 10), "retry_backoff": .number(min: 0, exclusiveMin: true, max: nil),
        "retry_backoff_max": .number(min: 0, exclusiveMin: true, max: nil), "dead_letter_size": .int(min: 0, max: nil),
        "scan_payloads": .bool, "max_payload_chars": .int(min: 200, max: nil),
    ])

    static let schema = ConfigSchema(
        [
            "model": .string, "instructions": .string,
            "agent_pattern": .unsupported(allowed: .string("react"), why: "Cairn runs the tool-calling (react) loop only"),
            "execution_mode": .unsupported(allowed: .string("strict"), why: "open execution mode is not supported"),
            "open_mode": .unsupported(allowed: nil, why: "open execution mode is not supported"),
            "servers": .unsupported(allowed: nil, why: "MCP servers are not supported for processes yet"),
            "triggers": .any, "journal": .section(journalSchema), "context": .section(contextSchema), "concurrency": .int(min: 1, max: 100),
            "heartbeat_interval": .number(min: 0, exclusiveMin: true, max: nil), "idle_timeout": .number(min: 0, exclusiveMin: false, max: nil),
            "max_lifetime": .number(min: 0, exclusiveMin: false, max: nil), "max_consecutive_failures": .int(min: 1, max: nil),
            "restart_policy": .oneOf(["always", "on_failure", "never"]), "drain_timeout": .number(min: 0, exclusiveMin: false, max: 3600),
            "max_restarts": .int(min: 0, max: nil), "restart_backoff": .number(min: 0, exclusiveMin: true, max: nil),
            "secrets": .section(secretsSchema), "budget": .section(budgetSchema), "health": .section(healthSchema),
            "mission": .section(missionSchema), "inbox": .section(inboxSchema),
            "approval": .unsupported(allowed: nil, why: "approval gates are not supported for processes yet"),
            "identity": .unsupported(allowed: nil, why: "agent identities are not supported"),
            "trigger_delivery": .section(deliverySchema),
            "guardrails": .unsupported(allowed: nil, why: "guardrails are Python objects"),
            "observe": .unsupported(allowed: .bool(false), why: "observability is configured on the server"),
            "cache": .unsupported(allowed: nil, why: "semantic caches are Python objects"),
            "optimize_tools": .unsupported(allowed: nil, why: "tool selection is not supported"),
            "adaptive": .unsupported(allowed: nil, why: "adaptive strategies are not supported"),
            "max_invocation_time": .number(min: 0, exclusiveMin: false, max: nil),
            "hooks": .unsupported(allowed: nil, why: "lifecycle hooks are not supported"),
            "extra_tools": .unsupported(allowed: nil, why: "local tools are Python code"),
        ], nullable: ["model", "instructions", "agent_pattern", "identity"])

    /// The schema of a section that can be patched live.
    static func patchSchema(_ section: String) -> ConfigSchema? {
        switch section {
        case "budget": budgetSchema
        case "health": healthSchema
        case "mission": missionSchema
        default: nil
        }
    }
}
