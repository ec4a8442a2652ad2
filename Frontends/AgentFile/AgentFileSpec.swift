import CairnCore
import Foundation

/// An agent file as written: the YAML's shape (see Docs/agents.md for every key).
struct AgentFileSpec: Decodable, Sendable {
    var name: String
    var instructions: String?
    var model: ModelSpec
    var maxTurns: Int?
    var tools: [ToolEntry]?
    var skills: [SkillSpec]?
    var agents: [SubAgentEntry]?
    var budget: BudgetSpec?
    var health: HealthSpec?
    var secrets: [String: SecretSpec]?
    var allowedHosts: [String]?

    enum CodingKeys: String, CodingKey {
        case name, instructions, model, tools, skills, agents, budget, health, secrets
        case maxTurns = "max_turns", allowedHosts = "allowed_hosts"
    }

    /// The model: `provider:name` text, or a mapping with `provider` (or a `provider:name` in
    /// `name`), agent-level keys, and the provider's own keys, which its factory checks.
    struct ModelSpec: Decodable, Sendable {
        var provider: String
        var name: String?
        var maxTokens: Int?
        var temperature: Double?
        var prices: PricesSpec?
        /// The provider's keys (`base_url`, `api_key_env`, `script`, ...).
        var options: [String: JSONValue] = [:]

        /// The keys the agent itself reads; all others belong to the provider.
        static let agentKeys: Set<String> = ["provider", "name", "max_tokens", "temperature", "prices"]

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                (provider, name) = try Self.parse(id: text, codingPath: decoder.codingPath)
                return
            }
            let container = try decoder.container(keyedBy: AnyKey.self)
            let name = try container.decodeIfPresent(String.self, forKey: AnyKey("name"))
            if let provider = try container.decodeIfPresent(String.self, forKey: AnyKey("provider")) {
                self.provider = provider
                self.name = name
            } else if let name {
                (provider, self.name) = try Self.parse(id: name, codingPath: decoder.codingPath)
            } else {
                throw DecodingError.keyNotFound(
                    AnyKey("provider"),
                    .init(
                        codingPath: decoder.codingPath, debugDescription: "name the provider: provider: openai, or name: openai:MODEL"))
            }
            maxTokens = try container.decodeIfPresent(Int.self, forKey: AnyKey("max_tokens"))
            temperature = try container.decodeIfPresent(Double.self, forKey: AnyKey("temperature"))
            prices = try container.decodeIfPresent(PricesSpec.self, forKey: AnyKey("prices"))
            for key in container.allKeys where !Self.agentKeys.contains(key.stringValue) {
                options[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
        }

        /// The provider and model of a `provider:name` id.
        private static func parse(id text: String, codingPath: [any CodingKey]) throws -> (String, String) {
            do {
                let id = try ModelID(parsing: text)
                return (id.provider, id.name)
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(error)"))
            }
        }
    }

    struct PricesSpec: Decodable, Sendable {
        var inputPerMillion: Double
        var outputPerMillion: Double

        enum CodingKeys: String, CodingKey {
            case inputPerMillion = "input_per_million", outputPerMillion = "output_per_million"
        }
    }

    /// A tool: its name alone (`- list_files`) or its name with options (`- read_file: {folder: docs}`),
    /// which the tool's factory checks.
    struct ToolEntry: Decodable, Sendable {
        var name: String
        var options: [String: JSONValue]

        init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self.name = name
                options = [:]
                return
            }
            let map = try decoder.singleValueContainer().decode([String: [String: JSONValue]?].self)
            guard map.count == 1, let (name, options) = map.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a tool is its name, or one name with its options"))
            }
            self.name = name
            self.options = options ?? [:]
        }
    }

    struct SkillSpec: Decodable, Sendable {
        var name: String
        var description: String
        var file: String?
        var content: String?
    }

    /// A sub-agent: another agent file (`- file: helper.yaml`) or an inline definition.
    struct SubAgentEntry: Decodable, Sendable {
        var file: String?
        var inline: AgentFileSpec?

        init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            if keys == ["file"] {
                file = try decoder.container(keyedBy: AnyKey.self).decode(String.self, forKey: AnyKey("file"))
            } else {
                inline = try AgentFileSpec(from: decoder)
            }
        }
    }

    struct LimitsSpec: Decodable, Sendable {
        var turns: Int?
        var toolCalls: Double?
        var irreversible: Int?
        var cost: Double?

        enum CodingKeys: String, CodingKey {
            case turns, irreversible, cost
            case toolCalls = "tool_calls"
        }
    }

    struct BudgetSpec: Decodable, Sendable {
        var perRun: LimitsSpec?
        var perDay: LimitsSpec?
        var toolWeights: [String: Double]?
        var irreversible: [String]?
        var onExceed: String?
        var warnAt: Double?

        enum CodingKeys: String, CodingKey {
            case irreversible
            case perRun = "per_run", perDay = "per_day", toolWeights = "tool_weights", onExceed = "on_exceed", warnAt = "warn_at"
        }
    }

    struct HealthSpec: Decodable, Sendable {
        var stuckAfter: Int?
        var loopRepeats: Int?
        var maxLoopLength: Int?
        var emptyReplies: Int?
        var errorRate: Double?
        var errorWindow: Int?
        var action: String?
        var cooldown: Int?

        enum CodingKeys: String, CodingKey {
            case action, cooldown
            case stuckAfter = "stuck_after", loopRepeats = "loop_repeats", maxLoopLength = "max_loop_length"
            case emptyReplies = "empty_replies", errorRate = "error_rate", errorWindow = "error_window"
        }
    }

    struct SecretSpec: Decodable, Sendable {
        var env: String?
        var value: String?
        var ttl: String?
    }

    /// The keys each mapping may have, by path (`*` for any key, `[]` for sequence items): used
    /// to name unknown keys (typos) instead of ignoring them. The provider's keys of `model` and
    /// each tool's options are checked by their factories.
    static let schema: [String: Set<String>] = [
        "": ["name", "instructions", "model", "max_turns", "tools", "skills", "agents", "budget", "health", "secrets", "allowed_hosts"],
        "model.prices": ["input_per_million", "output_per_million"],
        "skills[]": ["name", "description", "file", "content"],
        "budget": ["per_run", "per_day", "tool_weights", "irreversible", "on_exceed", "warn_at"],
        "budget.per_run": ["turns", "tool_calls", "irreversible", "cost"],
        "budget.per_day": ["turns", "tool_calls", "irreversible", "cost"],
        "health": ["stuck_after", "loop_repeats", "max_loop_length", "empty_replies", "error_rate", "error_window", "action", "cooldown"],
        "secrets.*": ["env", "value", "ttl"],
    ]
}

/// A coding key for any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
