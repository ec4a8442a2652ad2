import Foundation

/// An agent: instructions, a model, tools, skills loaded on demand, and sub-agents callable like tools.
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
    /// Receives text deltas as the model streams them (for live subscribers); only complete turns are recorded.
    public var onText: @Sendable (String) -> Void

    /// Creates an agent.
    public init(name: String, instructions: String, model: String, provider: any ModelProvider, tools: [any Tool] = [],
                skills: [Skill] = [], subAgents: [AgentDefinition] = [], maxTurns: Int = 20, onText: @escaping @Sendable (String) -> Void = { _ in }) {
        self.name = name
        self.instructions = instructions
        self.model = model
        self.provider = provider
        self.tools = tools
        self.skills = skills
        self.subAgents = subAgents
        self.maxTurns = maxTurns
        self.onText = onText
    }

    /// What the model is offered: the tools, `load_skill` when there are skills, and one tool per sub-agent.
    var toolSpecs: [ToolSpec] {
        var specs = tools.map(\.spec)
        if !skills.isEmpty {
            let list = skills.map { "\($0.name): \($0.description)" }.joined(separator: "; ")
            specs.append(ToolSpec(name: "load_skill", description: "Load a skill's instructions. Skills: \(list)",
                                  inputSchema: .object(["type": .string("object"), "properties": .object(["name": .object(["type": .string("string")])]),
                                                        "required": .array([.string("name")])])))
        }
        for agent in subAgents {
            specs.append(ToolSpec(name: agent.name, description: "Delegate a task to the \(agent.name) agent: \(agent.instructions.prefix(200))",
                                  inputSchema: .object(["type": .string("object"), "properties": .object(["task": .object(["type": .string("string")])]),
                                                        "required": .array([.string("task")])])))
        }
        return specs
    }
}

/// The agent loop as a durable workflow: every model call and every tool call is a step, so a
/// crashed run resumes without calling the model again for turns it already finished, and the
/// session log is the transcript. The input is the user's message; the output is the final answer.
public struct AgentWorkflow: Workflow {
    /// The agent.
    public let agent: AgentDefinition

    /// Creates the workflow of `agent`.
    public init(_ agent: AgentDefinition) {
        self.agent = agent
    }

    public func run(_ context: WorkflowContext, _ input: String) async throws -> String {
        try await AgentLoop(agent: agent).run(context, messages: [ChatMessage(role: .user, text: input)]).text
    }
}

/// One agent's loop over a context (a whole run, or a sub-agent's child scope).
struct AgentLoop: Sendable {
    let agent: AgentDefinition

    /// Runs turns until the model stops asking for tools; returns the final assistant message.
    func run(_ context: WorkflowContext, messages initial: [ChatMessage]) async throws -> ChatMessage {
        var messages = initial
        for turnIndex in 0..<agent.maxTurns {
            let request = ModelRequest(model: agent.model, instructions: agent.instructions, messages: messages, tools: agent.toolSpecs)
            let provider = agent.provider, onText = agent.onText
            let turn = try await context.step("model turn \(turnIndex + 1)", policy: .exponential(retries: 2)) {
                try await ModelTurn.collect(provider.stream(request), onText: onText)
            }
            messages.append(turn.message)
            guard !turn.message.toolCalls.isEmpty else { return turn.message }
            for call in turn.message.toolCalls {
                let result = try await callTool(call, context)
                messages.append(ChatMessage(role: .tool, text: result.text, toolCallID: call.id, isError: result.isError))
            }
        }
        throw ModelProviderError("agent \(agent.name) reached its limit of \(agent.maxTurns) model turns without a final answer")
    }

    struct ToolOutcome: Codable, Sendable {
        var text: String
        var isError: Bool
    }

    private func callTool(_ call: ToolCall, _ context: WorkflowContext) async throws -> ToolOutcome {
        if let sub = agent.subAgents.first(where: { $0.name == call.name }) {
            let task = (try? JSONValue(parsing: call.arguments))?["task"]?.stringValue ?? call.arguments
            let answer = try await context.child("agent \(sub.name)") { child in
                try await AgentLoop(agent: sub).run(child, messages: [ChatMessage(role: .user, text: task)])
            }
            return ToolOutcome(text: answer.text, isError: false)
        }
        let tools = agent.tools, skills = agent.skills
        return try await context.step("tool \(call.name) \(call.id)") {
            do {
                let arguments = call.arguments.isEmpty ? JSONValue.object([:]) : try JSONValue(parsing: call.arguments)
                if call.name == "load_skill", !skills.isEmpty {
                    let name = arguments["name"]?.stringValue ?? ""
                    guard let skill = skills.first(where: { $0.name == name }) else {
                        return ToolOutcome(text: "no skill named '\(name)'; skills: \(skills.map(\.name).joined(separator: ", "))", isError: true)
                    }
                    return ToolOutcome(text: try await skill.content(), isError: false)
                }
                guard let tool = tools.first(where: { $0.spec.name == call.name }) else {
                    return ToolOutcome(text: "no tool named '\(call.name)'", isError: true)
                }
                return ToolOutcome(text: try await tool.invoke(arguments), isError: false)
            } catch let error as CancellationError {
                throw error
            } catch {
                return ToolOutcome(text: "\(error)", isError: true)
            }
        }
    }
}
