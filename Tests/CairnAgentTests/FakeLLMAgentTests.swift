import CairnAgentFile
import CairnCore
import CairnTestSupport
import Foundation
import Synchronization
import Testing

/// Agents from agent files, against a real fakellm in both wire formats: streaming, tools,
/// a skill loaded on demand, a sub-agent, and injected 429/500 errors retried by the adapter.
@Suite("Agents against fakellm", .serialized)
struct FakeLLMAgentTests {
    final class Events: Sendable {
        let all = Mutex<[AgentEvent]>([])
        func append(_ event: AgentEvent) { all.withLock { $0.append(event) } }
        var list: [AgentEvent] { all.withLock { $0 } }
    }

    func run(_ yaml: String, prompt: String) async throws -> (answer: String?, status: SessionStatus, events: [AgentEvent]) {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        try yaml.write(toFile: folder.path + "/agent.yaml", atomically: true, encoding: .utf8)
        let events = Events()
        let agent = try await AgentFile.load(
            folder.path + "/agent.yaml", options: AgentFileOptions(components: referenceComponents(), observer: { events.append($1) }))
        let store = MemoryStore()
        let sessions = Sessions(store: store)
        let session = try await sessions.create(agent: agent.name, source: "test")
        _ = try await sessions.push(
            try JSONEncoder().encode(FakeLLMServer.unique(prompt)),
            header: ObjectHeader(contentType: ContentTypes.json, name: "input"), to: session.id, source: "test")
        let report = try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent))).drive(session.id)
        let result = try await SessionLog(store: store).entries(of: session.id).last { $0.header.name == "result" }
        let answer = try await result.asyncMap { try JSONDecoder().decode(String.self, from: try await store.body(of: $0)) }
        return (answer, report.status, events.list)
    }

    func model(_ provider: String, streaming: Bool = true) throws -> String {
        let server = try FakeLLMServer.shared.get()
        return "{provider: \(provider), name: fake-model, base_url: \"\(server.url)/v1\", streaming: \(streaming), max_attempts: 4, "
            + "prices: {input_per_million: 1, output_per_million: 2}}"
    }

    @Test(arguments: ["openai", "anthropic"])
    func aSkillIsLoadedOnlyWhenTheModelAsksForIt(_ provider: String) async throws {
        let yaml = """
            name: poet
            instructions: Write poems.
            model: \(try model(provider))
            skills:
              - {name: haiku, description: how to write a haiku, content: "Five, seven, five syllables."}
            """
        let (answer, status, events) = try await run(yaml, prompt: "a poem")
        #expect(status == .finished)
        #expect(answer == "Stones stacked on the path")
        #expect(
            events.contains(
                .toolResult(
                    callID: events.compactMap { if case .toolCall(let c) = $0 { c.id } else { nil } }.first ?? "",
                    name: "load_skill", text: "Five, seven, five syllables.", isError: false)))
        let deltas = events.filter { if case .text = $0 { true } else { false } }
        #expect(deltas.count > 2, "the answer streamed in pieces")
        // fakellm's OpenAI stream sends no usage chunk (its Anthropic stream does), so only there is a cost known.
        let costs = events.compactMap { if case .usage(_, let cost) = $0 { cost } else { nil } }
        #expect(costs.count == 2 && (provider == "openai" || costs.allSatisfy { $0 > 0 }), "usage carries a cost from the prices: \(costs)")
    }

    @Test(arguments: ["openai", "anthropic"])
    func aSubAgentAnswersLikeATool(_ provider: String) async throws {
        let yaml = """
            name: guide
            instructions: Guide hikers.
            model: \(try model(provider))
            agents:
              - name: researcher
                instructions: Find facts.
                model: \(try model(provider))
            """
        let (answer, status, events) = try await run(yaml, prompt: "tell me about cairns")
        #expect(status == .finished)
        #expect(answer == "A cairn marks a trail, says my researcher.")
        #expect(events.contains { if case .toolResult(_, "researcher", "Cairns are stacked stones marking trails.", false) = $0 { true } else { false } })
    }

    @Test(arguments: ["openai", "anthropic"])
    func injected429And500AreRetriedByTheAdapter(_ provider: String) async throws {
        let yaml = "name: flaky\nmodel: \(try model(provider, streaming: false))\n"
        let (answer, status, _) = try await run(yaml, prompt: "flaky")
        #expect(status == .finished)
        #expect(answer == "recovered after retries")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
