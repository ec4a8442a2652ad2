import CairnCore
import CairnFileStore
import Foundation

/// Agent runs per second on the file store with the scripted provider: each run is two model
/// turns and one tool call, with a budget and a health policy consulted before each call (so a
/// run journals seven steps, plus its input, result and finish), one run at a time and 64 at once.
struct AgentBench {
    let scratch: String
    let runs: Int

    static let turns = [
        ModelTurn(
            message: ChatMessage(role: .assistant, text: "Looking it up.", toolCalls: [ToolCall(id: "c1", name: "lookup", arguments: #"{"q":"cairn"}"#)]),
            usage: Usage(inputTokens: 300, outputTokens: 20), stop: .toolUse),
        ModelTurn(
            message: ChatMessage(role: .assistant, text: "A cairn is a pile of stones that marks a trail."),
            usage: Usage(inputTokens: 350, outputTokens: 15), stop: .endTurn),
    ]

    func agent() -> AgentDefinition {
        let lookup = ClosureTool(name: "lookup", description: "Looks a word up") { _ in "a human-made pile of stones" }
        let governance = Governance(policies: [
            BudgetPolicy(perRun: BudgetLimits(modelTurns: 10, toolCalls: 10, cost: 1)),
            HealthPolicy(stuckAfter: 3, loopRepeats: 3, emptyReplies: 2),
        ])
        return AgentDefinition(
            name: "bench", instructions: "Answer.", model: "scripted",
            provider: ScriptedProvider(Self.turns, order: .byConversation), tools: [lookup],
            pricing: ModelPricing(inputPerMillion: 3, outputPerMillion: 15), governance: governance)
    }

    func runsPerSecond(concurrency: Int, count: Int) async throws -> Double {
        let store = try FileStore(root: scratch + "/agents-\(concurrency)")
        let sessions = Sessions(store: store)
        let runtime = Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent())))
        let input = try JSONEncoder().encode("What is a cairn?")
        func one() async throws {
            let id = try await sessions.create(agent: "bench", source: "bench").id
            _ = try await sessions.push(input, header: ObjectHeader(contentType: ContentTypes.json, name: "input"), to: id, source: "bench")
            let report = try await runtime.drive(id)
            guard report.status == .finished else { throw CairnError.invalidArgument("a bench run ended \(report.status)") }
        }
        let time = try await seconds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var started = 0
                while started < min(concurrency, count) {
                    group.addTask { try await one() }
                    started += 1
                }
                while try await group.next() != nil {
                    if started < count {
                        group.addTask { try await one() }
                        started += 1
                    }
                }
            }
        }
        return Double(count) / time
    }

    func run() async throws {
        let single = try await runsPerSecond(concurrency: 1, count: runs)
        report("agent", "file: scripted runs (2 turns, 1 tool), 1 at a time", single, "runs/s")
        let parallel = try await runsPerSecond(concurrency: 64, count: runs * 4)
        report("agent", "file: scripted runs, 64 at a time", parallel, "runs/s")
        report("ratio", "agent runs 64 at a time / 1 at a time", parallel / single, "x")
    }
}
