public import CairnCore
public import Foundation
import Synchronization

/// What one run of a process is given: the system prompt of this run (instructions plus the
/// context, mission and operator-message blocks), the conversation so far and the user message;
/// and, when the mission is due for an evaluation, what the judge needs.
public struct ProcessRunInput: Sendable, Hashable, Codable {
    public var process: String
    public var processID: String
    public var invocation: String
    public var instructions: String
    public var history: [ChatMessage]
    public var prompt: String
    public var judge: JudgeInput?

    /// The mission judge's prompt.
    public struct JudgeInput: Sendable, Hashable, Codable {
        public var system: String
        public var user: String
    }
}

/// What a run returns: the reply, and the mission judge's verdict when it was due.
public struct ProcessRunOutput: Sendable, Hashable, Codable {
    public var reply: String
    public var verdict: MissionVerdict?
}

/// The agent loop of one run as a workflow: the reply is the agent's answer to `prompt` after
/// `history`; a due mission evaluation is one more recorded step (the judge's model call), so a
/// crashed run replays to where it was and never asks the model or the judge twice.
struct ProcessRunWorkflow: Workflow {
    let agent: AgentDefinition
    let judge: (provider: any ModelProvider, model: String)?

    func run(_ context: WorkflowContext, _ input: ProcessRunInput) async throws -> ProcessRunOutput {
        var configured = self.agent
        configured.instructions = input.instructions
        let agent = configured
        let reply = try await agent.reply(in: context, messages: input.history + [ChatMessage(role: .user, text: agent.redact(input.prompt))])
        guard let request = input.judge, let judge else { return ProcessRunOutput(reply: reply.text, verdict: nil) }
        let verdict = try await context.step("mission evaluation") { () async throws -> MissionVerdict in
            let question = ModelRequest(
                model: judge.model, instructions: request.system,
                messages: [ChatMessage(role: .user, text: agent.redact(request.user + "\n\nLatest reply:\n" + String(reply.text.prefix(4000))))])
            do {
                let turn = try await ModelTurn.collect(judge.provider.stream(question))
                return MissionJudge.parseVerdict(turn.message.text)
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                return MissionJudge.judgeFailed(agent.redact("\(error)"))
            }
        }
        return ProcessRunOutput(reply: reply.text, verdict: verdict)
    }
}

/// What a run's live events told: governance decisions that acted (budget and health verdicts).
final class RunObservations: Sendable {
    private let decisions = Mutex<[GovernanceDecision]>([])

    func note(_ event: AgentEvent) {
        if case .governance(let decision) = event { decisions.withLock { $0.append(decision) } }
    }

    /// The decisions seen since the last call.
    func drain() -> [GovernanceDecision] {
        decisions.withLock { decisions in
            defer { decisions = [] }
            return decisions
        }
    }
}

/// The handler of run sessions: finds the process's agent for the session and runs its workflow.
struct ProcessRunHandler: Handler {
    /// The agent, judge and observations of a process id, built from its current configuration.
    let agentFor: @Sendable (String, SessionID) async throws -> (AgentDefinition, (any ModelProvider, String)?, RunObservations)

    func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        guard let processID = invocation.session.metadata["process_id"] else {
            throw HandlerFailure(ErrorReport(message: "a process run without its process id", kind: "handler", snapshot: invocation.snapshot))
        }
        let built: (AgentDefinition, (any ModelProvider, String)?, RunObservations)
        do { built = try await agentFor(processID, invocation.session.id) } catch {
            throw HandlerFailure(ErrorReport(message: "\(error)", kind: "handler", snapshot: invocation.snapshot))
        }
        var agent = built.0
        let observations = built.2
        agent.observer = { _, event in observations.note(event) }
        let judge = built.1.map { (provider: $0.0, model: $0.1) }
        return try await WorkflowHandler(ProcessRunWorkflow(agent: agent, judge: judge)).invoke(invocation)
    }
}
