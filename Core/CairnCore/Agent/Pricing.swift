import Foundation

/// Prices of a model, per million tokens, in any one currency: the cost of a turn is computed
/// from its usage and recorded with it.
public struct ModelPricing: Sendable, Hashable, Codable {
    /// Price of a million prompt tokens.
    public var inputPerMillion: Double
    /// Price of a million completion tokens.
    public var outputPerMillion: Double

    /// Creates prices.
    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of `usage`.
    public func cost(of usage: Usage) -> Double {
        (Double(usage.inputTokens) * inputPerMillion + Double(usage.outputTokens) * outputPerMillion) / 1_000_000
    }
}

/// What happens during an agent run, for live subscribers (a terminal, an SSE stream). Text
/// deltas arrive as the model streams them; everything else as it is recorded.
public enum AgentEvent: Sendable, Hashable {
    /// A piece of the model's answer.
    case text(String)
    /// The model asked for a tool (or a sub-agent).
    case toolCall(ToolCall)
    /// A tool's result (redacted).
    case toolResult(callID: String, name: String, text: String, isError: Bool)
    /// A model turn's usage and cost (nil without prices).
    case usage(Usage, cost: Double?)
    /// A governance decision with something to say (a warning, a pause, ...).
    case governance(GovernanceDecision)
    /// The agent's reply to the latest message (also when it was replayed).
    case reply(String)

    /// The event's name on the wire: `text`, `tool_call`, `tool_result`, `usage`, `governance`, `reply`.
    public var name: String {
        switch self {
        case .text: "text"
        case .toolCall: "tool_call"
        case .toolResult: "tool_result"
        case .usage: "usage"
        case .governance: "governance"
        case .reply: "reply"
        }
    }

    /// The event as a JSON value (`{"type": name, ...}`) for streams.
    public var json: JSONValue {
        var fields: [String: JSONValue] = ["type": .string(name)]
        switch self {
        case .text(let delta): fields["text"] = .string(delta)
        case .toolCall(let call):
            fields["id"] = .string(call.id)
            fields["name"] = .string(call.name)
            fields["arguments"] = .string(call.arguments)
        case .toolResult(let id, let tool, let text, let isError):
            fields["id"] = .string(id)
            fields["name"] = .string(tool)
            fields["text"] = .string(text)
            fields["is_error"] = .bool(isError)
        case .usage(let usage, let cost):
            fields["input_tokens"] = .number(Double(usage.inputTokens))
            fields["output_tokens"] = .number(Double(usage.outputTokens))
            if let cost { fields["cost"] = .number(cost) }
        case .governance(let decision):
            fields["action"] = .string(decision.outcome?.rawValue ?? "allow")
            fields["before"] = .string(decision.action.summary)
            fields["reason"] = .string(decision.reason)
        case .reply(let text): fields["text"] = .string(text)
        }
        return .object(fields)
    }
}
