import Foundation

/// A tool call the model asked for.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's id of the call, echoed in the tool's result.
    public var id: String
    /// The tool's name.
    public var name: String
    /// The arguments, as JSON text (as streamed by the provider).
    public var arguments: String

    /// Creates a call.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One message of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who speaks.
    public enum Role: String, Sendable, Hashable, Codable {
        case user, assistant, tool
    }

    /// Who speaks.
    public var role: Role
    /// The text (for a tool message: the tool's result).
    public var text: String
    /// The tools an assistant message asks for.
    public var toolCalls: [ToolCall]
    /// For a tool message: the call it answers.
    public var toolCallID: String?
    /// For a tool message: whether the tool failed.
    public var isError: Bool

    /// Creates a message.
    public init(role: Role, text: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil, isError: Bool = false) {
        self.role = role
        self.text = text
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.isError = isError
    }
}

/// A tool as the model sees it.
public struct ToolSpec: Sendable, Hashable, Codable {
    /// The tool's name.
    public var name: String
    /// What it does, for the model.
    public var description: String
    /// The JSON Schema of its input.
    public var inputSchema: JSONValue

    /// Creates a spec.
    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// Tokens a model call used.
public struct Usage: Sendable, Hashable, Codable {
    /// Prompt tokens.
    public var inputTokens: Int
    /// Completion tokens.
    public var outputTokens: Int

    /// Creates a usage.
    public init(inputTokens: Int = 0, outputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    /// The sum of two usages.
    public static func + (lhs: Usage, rhs: Usage) -> Usage {
        Usage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens)
    }
}

/// Why the model stopped.
public enum StopReason: String, Sendable, Hashable, Codable {
    /// It finished its answer.
    case endTurn = "end_turn"
    /// It wants tools called.
    case toolUse = "tool_use"
    /// It ran out of tokens.
    case maxTokens = "max_tokens"
    /// Anything else the provider reported.
    case other
}

/// A request to a model: everything it sees.
public struct ModelRequest: Sendable, Hashable {
    /// The model's name at its provider.
    public var model: String
    /// The system instructions.
    public var instructions: String
    /// The conversation so far.
    public var messages: [ChatMessage]
    /// The tools it may call.
    public var tools: [ToolSpec]
    /// Sampling options.
    public var maxTokens: Int?
    public var temperature: Double?

    /// Creates a request.
    public init(model: String, instructions: String, messages: [ChatMessage], tools: [ToolSpec] = [], maxTokens: Int? = nil, temperature: Double? = nil) {
        self.model = model
        self.instructions = instructions
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

/// What a provider streams while the model answers.
public enum ModelEvent: Sendable, Hashable {
    /// A piece of the answer's text.
    case text(String)
    /// A complete tool call (providers assemble streamed argument pieces first).
    case toolCall(ToolCall)
    /// Tokens used.
    case usage(Usage)
    /// The end of the answer.
    case stop(StopReason)
}

/// A model provider: OpenAI-compatible, Anthropic, scripted, ... (adapters implement it).
///
/// Requirements: the stream ends after a `.stop`; tool calls arrive complete; errors name the
/// provider, the HTTP status and its message. Retries of transient failures are the adapter's.
public protocol ModelProvider: Sendable {
    /// Streams the model's answer to `request`.
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error>
}

/// One complete model turn, as recorded in the log (the step result of a model call).
public struct ModelTurn: Sendable, Hashable, Codable {
    /// The assistant's message: its text and tool calls.
    public var message: ChatMessage
    /// Tokens used.
    public var usage: Usage
    /// Why it stopped.
    public var stop: StopReason
    /// Its cost from the agent's prices (nil without prices).
    public var cost: Double?

    /// Creates a turn.
    public init(message: ChatMessage, usage: Usage, stop: StopReason, cost: Double? = nil) {
        self.message = message
        self.usage = usage
        self.stop = stop
        self.cost = cost
    }

    /// Collects a provider's stream into a turn, passing text deltas to `onText` as they come.
    /// - Throws: the provider's error; `CancellationError` when the task was cancelled (a
    ///   cancelled stream just ends, and that must not pass for a complete answer); a
    ///   ``ModelProviderError`` when the stream ended without a stop reason.
    public static func collect(_ stream: AsyncThrowingStream<ModelEvent, any Error>, onText: @Sendable (String) -> Void = { _ in }) async throws -> ModelTurn {
        var text = ""
        var calls: [ToolCall] = []
        var usage = Usage()
        var stop = StopReason.endTurn
        var stopped = false
        for try await event in stream {
            switch event {
            case .text(let delta):
                text += delta
                onText(delta)
            case .toolCall(let call): calls.append(call)
            case .usage(let used): usage = usage + used
            case .stop(let reason):
                stop = reason
                stopped = true
            }
        }
        try Task.checkCancellation()
        guard stopped else { throw ModelProviderError("the model's answer ended before its stop reason (a cut stream?)") }
        if !calls.isEmpty && stop == .endTurn { stop = .toolUse }
        return ModelTurn(message: ChatMessage(role: .assistant, text: text, toolCalls: calls), usage: usage, stop: stop)
    }
}
