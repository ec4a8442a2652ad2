import Foundation
import Logging
import Synchronization

/// One agent's loop over a context (a whole run, or a sub-agent's child scope): governance
/// decision, model turn, then for each tool call a governance decision and the call — each a
/// recorded step.
struct AgentLoop: Sendable {
    let agent: AgentDefinition
    /// The agent whose daily usage this loop counts (a sub-agent counts toward its parent's).
    var ledgerAgent: String
    /// Secrets of the agents this one runs inside: a sub-agent redacts its parent's secrets too.
    var outerSecrets: [SecretVault] = []
    /// The ledger of daily usage (a sub-agent without its own uses its parent's).
    var ledger: (any UsageLedger)?
    private static let logger = Logger(label: "cairn.agent")

    init(agent: AgentDefinition, ledgerAgent: String? = nil, outerSecrets: [SecretVault] = [], ledger: (any UsageLedger)? = nil) {
        self.agent = agent
        self.ledgerAgent = ledgerAgent ?? agent.name
        self.outerSecrets = outerSecrets
        self.ledger = agent.governance.ledger ?? ledger
    }

    /// `text` with this agent's and its outer agents' secrets redacted.
    func redact(_ text: String) -> String {
        outerSecrets.reduce(agent.redact(text)) { $1.redact($0) }
    }

    /// Adds usage to the daily ledger after a step made it live. A ledger failure is logged, not
    /// thrown: the call it counts has happened and is recorded.
    private func count(_ usage: UsageCounters) async {
        guard let ledger else { return }
        do {
            try await ledger.add(usage, agent: ledgerAgent, on: Date())
        } catch {
            Self.logger.error("the usage ledger failed; daily limits may undercount", metadata: ["agent": "\(ledgerAgent)", "error": "\(error)"])
        }
    }

    /// What a tool call returned, as recorded.
    struct ToolOutcome: Codable, Sendable {
        var text: String
        var isError: Bool
    }

    /// Runs turns until the model stops asking for tools; appends every message to `messages`
    /// and returns the final assistant message, whether it was made now (not replayed), and the
    /// run's usage (sub-agents' included).
    /// - Throws: ``GovernanceStop``, ``StepFailed`` (a model call that failed for good), a
    ///   workflow suspension (a pause), or ``AgentError/turnLimit`` after `maxTurns`.
    func run(_ context: WorkflowContext, messages: inout [ChatMessage]) async throws -> (message: ChatMessage, live: Bool, usage: UsageCounters) {
        var state = GovernanceState()
        for _ in 0..<agent.maxTurns {
            let number = state.run.modelTurns + 1
            try await govern(.modelCall(turn: number), context, &state)
            let (turn, live) = try await modelTurn(number, messages: messages, context)
            state.run.modelTurns += 1
            state.run.cost += turn.cost ?? 0
            let empty = turn.message.toolCalls.isEmpty && turn.message.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            state.emptyRepliesInARow = empty ? state.emptyRepliesInARow + 1 : 0
            messages.append(turn.message)
            if live { await count(UsageCounters(modelTurns: 1, cost: turn.cost ?? 0)) }
            if turn.message.toolCalls.isEmpty && !empty { return (turn.message, live, state.run) }
            for call in turn.message.toolCalls {
                let irreversible = agent.governance.irreversibleTools.contains(call.name)
                let weight = agent.governance.toolWeights[call.name] ?? 1
                try await govern(.toolCall(name: call.name, arguments: call.arguments, irreversible: irreversible, weight: weight), context, &state)
                let (outcome, live, subUsage) = try await callTool(call, context)
                if live { await count(UsageCounters(toolCalls: weight, irreversibleCalls: irreversible ? 1 : 0)) }
                state.run = state.run + subUsage
                state.run.toolCalls += weight
                if irreversible { state.run.irreversibleCalls += 1 }
                state.toolCalls.append(ToolCallTrace(name: call.name, arguments: call.arguments, failed: outcome.isError))
                messages.append(ChatMessage(role: .tool, text: outcome.text, toolCallID: call.id, isError: outcome.isError))
            }
            if turn.message.toolCalls.isEmpty {
                messages.append(ChatMessage(role: .user, text: "(Your reply was empty. Answer, or call a tool.)"))
            }
        }
        throw AgentError.turnLimit(agent: agent.name, turns: agent.maxTurns)
    }

    /// One model call as a step: streamed text goes to the observer live; the recorded turn is
    /// redacted and carries its cost; the usage goes to the ledger.
    private func modelTurn(_ number: Int, messages: [ChatMessage], _ context: WorkflowContext) async throws -> (ModelTurn, live: Bool) {
        let agent = self.agent, session = context.session, loop = self
        let live = Mutex(false)
        let request = ModelRequest(
            model: agent.model, instructions: agent.instructions, messages: messages, tools: agent.toolSpecs,
            maxTokens: agent.maxTokens, temperature: agent.temperature)
        let turn = try await context.step("model turn \(number)", policy: .exponential(retries: 2)) {
            live.withLock { $0 = true }
            do {
                var turn = try await ModelTurn.collect(agent.provider.stream(request), onText: { agent.observer(session, .text(loop.redact($0))) })
                turn.message.text = loop.redact(turn.message.text)
                turn.message.toolCalls = turn.message.toolCalls.map { ToolCall(id: $0.id, name: $0.name, arguments: loop.redact($0.arguments)) }
                turn.cost = agent.pricing?.cost(of: turn.usage)
                agent.observer(session, .usage(turn.usage, cost: turn.cost))
                for call in turn.message.toolCalls { agent.observer(session, .toolCall(call)) }
                return turn
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                throw AgentError.model(agent: agent.name, message: loop.redact("\(error)"))
            }
        }
        return (turn, live.withLock { $0 })
    }

    /// Calls a tool (a step) or a sub-agent (a child scope); returns the outcome, whether it
    /// happened now, and a sub-agent's usage.
    private func callTool(_ call: ToolCall, _ context: WorkflowContext) async throws -> (ToolOutcome, live: Bool, usage: UsageCounters) {
        let agent = self.agent, session = context.session, loop = self
        if let sub = agent.subAgents.first(where: { $0.name == call.name }) {
            let task = (try? JSONValue(parsing: call.arguments))?["task"]?.stringValue ?? call.arguments
            var messages = [ChatMessage(role: .user, text: redact(task))]
            let subLoop = AgentLoop(agent: sub, ledgerAgent: ledgerAgent, outerSecrets: outerSecrets + (agent.secrets.map { [$0] } ?? []), ledger: ledger)
            let answer = try await context.child("agent \(sub.name)") { child in
                try await subLoop.run(child, messages: &messages)
            }
            let text = redact(answer.message.text)
            if answer.live { agent.observer(session, .toolResult(callID: call.id, name: call.name, text: text, isError: false)) }
            return (ToolOutcome(text: text, isError: false), answer.live, answer.usage)
        }
        let live = Mutex(false)
        let outcome = try await context.step("tool \(call.name) \(call.id)") {
            live.withLock { $0 = true }
            var outcome: ToolOutcome
            do {
                outcome = ToolOutcome(text: try await loop.invoke(call), isError: false)
            } catch {
                // A cancelled call (the run was cancelled, the server stops) is not a result.
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                outcome = ToolOutcome(text: "\(error)", isError: true)
            }
            outcome.text = loop.redact(outcome.text)
            agent.observer(session, .toolResult(callID: call.id, name: call.name, text: outcome.text, isError: outcome.isError))
            return outcome
        }
        return (outcome, live.withLock { $0 }, UsageCounters())
    }

    /// Runs a tool (or `load_skill`) with the model's arguments.
    private func invoke(_ call: ToolCall) async throws -> String {
        let arguments = call.arguments.isEmpty ? JSONValue.object([:]) : try JSONValue(parsing: call.arguments)
        if call.name == "load_skill", !agent.skills.isEmpty {
            let name = arguments["name"]?.stringValue ?? ""
            guard let skill = agent.skills.first(where: { $0.name == name }) else {
                throw AgentError.unknownSkill(name: name, known: agent.skills.map(\.name))
            }
            return try await skill.content()
        }
        guard let tool = agent.tools.first(where: { $0.spec.name == call.name }) else {
            throw AgentError.unknownTool(name: call.name, known: agent.toolSpecs.map(\.name))
        }
        return try await tool.invoke(arguments)
    }

    /// Consults the policy chain about `action`, records the decision as a step, and acts on it:
    /// goes on (log, warn), ends the run (stop), or pauses until a push named `resume`
    /// (pause; escalate notifies first). A resume approves one more budget's worth.
    private func govern(_ action: GovernedAction, _ context: WorkflowContext, _ state: inout GovernanceState) async throws {
        let governance = agent.governance
        guard !governance.policies.isEmpty else { return }
        let snapshot = state, name = agent.name, session = context.session, ledger = self.ledger, ledgerAgent = self.ledgerAgent
        let live = Mutex(false)
        let decision = try await context.step("governance: \(action.summary)") {
            live.withLock { $0 = true }
            return try await governance.decide(action, state: snapshot, agent: ledgerAgent, ledger: ledger, now: Date())
        }
        state.note(decision)
        guard let outcome = decision.outcome else { return }
        if live.withLock({ $0 }) {
            agent.observer(session, .governance(decision))
            let level: Logger.Level = outcome >= .pause ? .warning : (outcome == .warn ? .notice : .info)
            Self.logger.log(
                level: level, "governance: \(outcome.rawValue) before \(action.summary): \(decision.reason)",
                metadata: ["agent": "\(name)", "session": "\(context.session)"])
        }
        switch outcome {
        case .log, .warn:
            return
        case .stop:
            throw GovernanceStop(decision: decision)
        case .pause, .escalate:
            if outcome == .escalate {
                let escalation = Escalation(agent: name, session: context.session.description, decision: decision)
                let notifier = governance.notifier
                _ = try await context.step("escalation: \(action.summary)") { () async throws -> Bool in
                    try await notifier.notify(escalation)
                    return true
                }
            }
            _ = try await context.signal("resume", as: JSONValue.self)
            for policy in Set(decision.verdicts.filter { $0.action >= .pause }.map(\.policy)) {
                state.approvals[policy, default: 0] += 1
            }
        }
    }
}

/// Why an agent run failed.
public enum AgentError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The model call failed for good (after the provider's and the step's retries).
    case model(agent: String, message: String)
    /// The run took `turns` model turns without a final answer.
    case turnLimit(agent: String, turns: Int)
    /// The model asked for a tool the agent does not have.
    case unknownTool(name: String, known: [String])
    /// The model asked for a skill the agent does not have.
    case unknownSkill(name: String, known: [String])

    public var description: String {
        switch self {
        case .model(let agent, let message): "the model call of agent \(agent) failed: \(message)"
        case .turnLimit(let agent, let turns): "agent \(agent) reached its limit of \(turns) model turns without a final answer"
        case .unknownTool(let name, let known): "no tool named '\(name)'; the agent has: \(known.joined(separator: ", "))"
        case .unknownSkill(let name, let known): "no skill named '\(name)'; skills: \(known.joined(separator: ", "))"
        }
    }
}
