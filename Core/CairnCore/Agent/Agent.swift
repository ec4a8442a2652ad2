import Foundation

/// Receives an agent's live events and the session they happen in.
public typealias AgentObserver = @Sendable (SessionID, AgentEvent) -> Void

/// An agent: instructions, a model, tools, skills loaded on demand, sub-agents callable like
/// tools, and the governance and secrets that bound what it does.
public struct AgentDefinition: Sendable {
    /// The agent's name.
    public var name: String
    /// Its system instructions.
    public var instructions: String
    /// The model's name at its provider.
    public var model: String
    /// The provider.
    public var provider: any ModelProvider
    /// Its tools.
    public var tools: [any Tool]
    /// Skills it may load.
    public var skills: [Skill]
    /// Agents it may delegate to, each offered to the model as a tool taking `{"task": "..."}`.
    public var subAgents: [AgentDefinition]
    /// The most model turns one run may take.
    public var maxTurns: Int
    /// Sampling: the most tokens per answer.
    public var maxTokens: Int?
    /// Sampling: the temperature.
    public var temperature: Double?
    /// Prices for cost accounting (nil: cost is not counted).
    public var pricing: ModelPricing?
    /// The policy chain consulted before each model call and tool call.
    public var governance: Governance
    /// Secrets: redacted from everything the run records or shows.
    public var secrets: SecretVault?
    /// Receives what happens as it happens (text deltas, tool calls, ...) with the session it
    /// happens in, for live subscribers; only complete turns are recorded.
    public var observer: AgentObserver

    /// Creates an agent.
    public init(
        name: String, instructions: String, model: String, provider: any ModelProvider, tools: [any Tool] = [],
        skills: [Skill] = [], subAgents: [AgentDefinition] = [], maxTurns: Int = 20, maxTokens: Int? = nil, temperature: Double? = nil,
        pricing: ModelPricing? = nil, governance: Governance = .none, secrets: SecretVault? = nil,
        observer: @escaping AgentObserver = { _, _ in }
    ) {
        self.name = name
        self.instructions = instructions
        self.model = model
        self.provider = provider
        self.tools = tools
        self.skills = skills
        self.subAgents = subAgents
        self.maxTurns = maxTurns
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.pricing = pricing
        self.governance = governance
        self.secrets = secrets
        self.observer = observer
    }

    /// `text` with the agent's secrets redacted.
    public func redact(_ text: String) -> String { secrets?.redact(text) ?? text }

    /// What the model is offered: the tools, `load_skill` when there are skills, and one tool per sub-agent.
    var toolSpecs: [ToolSpec] {
        var specs = tools.map(\.spec)
        if !skills.isEmpty {
            let list = skills.map { "\($0.name): \($0.description)" }.joined(separator: "; ")
            specs.append(
                ToolSpec(
                    name: "load_skill", description: "Load a skill's instructions. Skills: \(list)",
                    inputSchema: .object([
                        "type": .string("object"), "properties": .object(["name": .object(["type": .string("string")])]),
                        "required": .array([.string("name")]),
                    ])))
        }
        for agent in subAgents {
            specs.append(
                ToolSpec(
                    name: agent.name, description: "Delegate a task to the \(agent.name) agent: \(agent.instructions.prefix(200))",
                    inputSchema: .object([
                        "type": .string("object"), "properties": .object(["task": .object(["type": .string("string")])]),
                        "required": .array([.string("task")]),
                    ])))
        }
        return specs
    }
}

/// The agent loop as a durable workflow: every model call, tool call and governance decision is
/// a step, so a crashed run resumes without calling the model again for turns it already
/// finished, and the session log is the transcript. The input is the user's first message.
///
/// A one-shot run returns the final answer (the session's `result`, then it finishes). A
/// conversation answers, then waits for the next message — a push named `message` holding a
/// JSON string — and answers again, with the whole conversation as context, for as long as the
/// session lives.
public struct AgentWorkflow: Workflow {
    /// The agent.
    public let agent: AgentDefinition
    /// Whether the session is a conversation.
    public let conversational: Bool

    /// Creates the workflow of `agent`.
    public init(_ agent: AgentDefinition, conversational: Bool = false) {
        self.agent = agent
        self.conversational = conversational
    }

    public func run(_ context: WorkflowContext, _ input: String) async throws -> String {
        var messages = [ChatMessage(role: .user, text: agent.redact(input))]
        while true {
            let reply = try await AgentLoop(agent: agent).run(context, messages: &messages)
            // A reply made now is shown now. A replayed one is shown only if it is the latest (the
            // run ends or waits after it): the invocation that made it may have been restarted or
            // killed before its subscribers saw it; earlier replies of a conversation are not.
            if reply.live { agent.observer(context.session, .reply(reply.message.text)) }
            guard conversational else {
                if !reply.live { agent.observer(context.session, .reply(reply.message.text)) }
                return reply.message.text
            }
            let next: String
            do {
                next = try await context.signal("message", as: String.self)
            } catch let suspension as WorkflowSuspension {
                if !reply.live { agent.observer(context.session, .reply(reply.message.text)) }
                throw suspension
            }
            messages.append(ChatMessage(role: .user, text: agent.redact(next)))
        }
    }
}

/// The final answer of one run of an agent's loop.
public struct AgentReply: Sendable, Hashable {
    /// The answer's text (redacted).
    public var text: String
    /// Whether it was made now rather than replayed from the log.
    public var live: Bool
    /// What the run used (sub-agents' included).
    public var usage: UsageCounters
}

extension AgentDefinition {
    /// Runs the agent's loop in `context` over `messages` (a conversation so far, ending with the
    /// user's message): every model call, tool call and governance decision is a step of
    /// `context`, so a replay returns the recorded answer without calling the model again.
    /// For workflows that shape their own conversations (agent processes).
    /// - Throws: as the agent loop: ``GovernanceStop``, ``StepFailed``, ``AgentError``, or a
    ///   workflow suspension (a governance pause waiting for a push named `resume`).
    public func reply(in context: WorkflowContext, messages: [ChatMessage]) async throws -> AgentReply {
        var messages = messages
        let answer = try await AgentLoop(agent: self).run(context, messages: &messages)
        return AgentReply(text: answer.message.text, live: answer.live, usage: answer.usage)
    }
}
