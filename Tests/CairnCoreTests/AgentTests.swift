import CairnCore
import Foundation
import Synchronization
import Testing

@Suite("Agent loop on the step boundary")
struct AgentTests {
    let store = MemoryStore()
    var sessions: Sessions { Sessions(store: store) }

    static func turn(_ text: String, calls: [ToolCall] = [], tokens: Int = 10) -> ModelTurn {
        ModelTurn(
            message: ChatMessage(role: .assistant, text: text, toolCalls: calls), usage: Usage(inputTokens: tokens, outputTokens: tokens),
            stop: calls.isEmpty ? .endTurn : .toolUse)
    }

    func run(_ agent: AgentDefinition, prompt: String) async throws -> (SessionID, DriveReport) {
        let session = try await sessions.create(source: "test")
        try await sessions.push(
            try JSONEncoder().encode(prompt), header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        return (session.id, try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent))).drive(session.id))
    }

    func answer(_ id: SessionID) async throws -> String? {
        guard let entry = try await SessionLog(store: store).entries(of: id).last(where: { $0.header.name == "result" }) else { return nil }
        return try JSONDecoder().decode(String.self, from: try await store.body(of: entry))
    }

    @Test func toolCallsAcrossTurnsAndAResumedRunThatDoesNotRepeatThem() async throws {
        let calls = Mutex(0)
        let adder = ClosureTool(name: "add", description: "Adds a and b") { arguments in
            calls.withLock { $0 += 1 }
            guard case .number(let a)? = arguments["a"], case .number(let b)? = arguments["b"] else { throw CairnError.invalidArgument("a and b") }
            return String(Int(a + b))
        }
        let provider = ScriptedProvider([
            Self.turn("Let me add.", calls: [ToolCall(id: "c1", name: "add", arguments: #"{"a":2,"b":3}"#)]),
            Self.turn("The sum is 5."),
        ])
        let streamed = Mutex("")
        let agent = AgentDefinition(
            name: "calc", instructions: "Add numbers.", model: "m", provider: provider, tools: [adder],
            observer: { _, event in if case .text(let delta) = event { streamed.withLock { $0 += delta } } })
        let (id, report) = try await run(agent, prompt: "2+3?")
        #expect(report.status == .finished)
        #expect(try await answer(id) == "The sum is 5.")
        #expect(calls.withLock { $0 } == 1)
        #expect(streamed.withLock { $0 } == "Let me add.The sum is 5.")
        let second = try #require(provider.requests.last)
        #expect(second.messages.last == ChatMessage(role: .tool, text: "5", toolCallID: "c1"))
        #expect(second.tools.map(\.name) == ["add"])

        // Resume from a log cut after the tool's record: no model call or tool call is repeated.
        let entries = try await SessionLog(store: store).entries(of: id)
        let toolStep = try #require(entries.first { $0.event == .step && $0.header.name.hasPrefix("tool add") })
        let fork = try await sessions.fork(id, at: toolStep.seq + 1, source: "test")
        let resumedProvider = ScriptedProvider([Self.turn("The sum is 5.")])
        var resumed = agent
        resumed.provider = resumedProvider
        #expect(try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(resumed))).drive(fork.id).status == .finished)
        #expect(resumedProvider.requests.count == 1)
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func skillsLoadOnDemandAndSubAgentsAnswerLikeTools() async throws {
        let loaded = Mutex(0)
        let skill = Skill(name: "haiku", description: "how to write a haiku") {
            loaded.withLock { $0 += 1 }
            return "Five, seven, five syllables."
        }
        let researcher = AgentDefinition(
            name: "researcher", instructions: "Find facts.", model: "m",
            provider: ScriptedProvider([Self.turn("Cairns mark trails.")]))
        let provider = ScriptedProvider([
            Self.turn("", calls: [ToolCall(id: "s1", name: "load_skill", arguments: #"{"name":"haiku"}"#)]),
            Self.turn("", calls: [ToolCall(id: "r1", name: "researcher", arguments: #"{"task":"what is a cairn"}"#)]),
            Self.turn("Stones stacked on the path"),
        ])
        let agent = AgentDefinition(name: "poet", instructions: "Write.", model: "m", provider: provider, skills: [skill], subAgents: [researcher])
        let (id, report) = try await run(agent, prompt: "a haiku about cairns")
        #expect(report.status == .finished)
        #expect(try await answer(id) == "Stones stacked on the path")
        #expect(loaded.withLock { $0 } == 1)
        #expect(provider.requests[0].tools.map(\.name) == ["load_skill", "researcher"])
        #expect(provider.requests[1].messages.last?.text == "Five, seven, five syllables.")
        #expect(provider.requests[2].messages.last?.text == "Cairns mark trails.")
        let positions = try await SessionLog(store: store).entries(of: id).filter { $0.event == .step }.compactMap { $0.header.metadata["position"] }
        #expect(positions.contains { $0.contains("/") }, "the sub-agent's turns are in a child scope")
    }

    @Test func aToolErrorGoesBackToTheModelAndUnknownToolsAreReported() async throws {
        let failing = ClosureTool(name: "fetch", description: "Fails") { _ in throw CairnError.invalidArgument("host not allowed") }
        let provider = ScriptedProvider([
            Self.turn("", calls: [ToolCall(id: "a", name: "fetch", arguments: "{}"), ToolCall(id: "b", name: "nope", arguments: "{}")]),
            Self.turn("Could not fetch."),
        ])
        let (_, report) = try await run(AgentDefinition(name: "a", instructions: "", model: "m", provider: provider, tools: [failing]), prompt: "go")
        #expect(report.status == .finished)
        let results = provider.requests[1].messages.filter { $0.role == .tool }
        #expect(results.map(\.isError) == [true, true])
        #expect(results[0].text == "host not allowed" && results[1].text.hasPrefix("no tool named 'nope'"))
    }

    @Test func aRunThatNeverStopsHitsItsTurnLimit() async throws {
        let looping = ScriptedProvider((0..<5).map { Self.turn("", calls: [ToolCall(id: "t\($0)", name: "missing", arguments: "{}")]) })
        let (_, report) = try await run(AgentDefinition(name: "a", instructions: "", model: "m", provider: looping, maxTurns: 3), prompt: "go")
        guard case .failed(let message) = report.status else {
            Issue.record("expected failure, got \(report.status)")
            return
        }
        #expect(message.contains("limit of 3 model turns"))
    }
}
