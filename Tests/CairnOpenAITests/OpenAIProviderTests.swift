import CairnCore
import CairnOpenAI
import CairnTestSupport
import Foundation
import Synchronization
import Testing

enum FakeLLM {
    /// A provider for the fake server. fakellm injects error statuses only into non-streamed
    /// answers, so the error tests ask for those (`streaming: false`).
    static func provider(maxAttempts: Int = 4, streaming: Bool = true) throws -> OpenAIProvider {
        let server = try FakeLLMServer.shared.get()
        return OpenAIProvider(
            configuration: .init(
                baseURL: server.url + "/v1", apiKey: "test", timeout: .seconds(30),
                maxAttempts: maxAttempts, initialBackoff: .milliseconds(20), streaming: streaming))
    }

    /// A unique first message, so fakellm counts turns per test.
    static func message(_ text: String) -> ChatMessage {
        ChatMessage(role: .user, text: "\(text) [\(UUID().uuidString)]")
    }
}

@Suite("OpenAI-compatible provider against fakellm", .serialized)
struct OpenAIProviderTests {
    @Test func textIsStreamedInPieces() async throws {
        let provider = try FakeLLM.provider()
        let deltas = DeltaLog()
        let turn = try await ModelTurn.collect(
            provider.stream(ModelRequest(model: "gpt-4o-mini", instructions: "Be brief.", messages: [FakeLLM.message("hello")])),
            onText: { deltas.append($0) })
        #expect(turn.message.text == "Hello from a fake model, streamed word by word.")
        #expect(turn.stop == .endTurn)
        #expect(deltas.count > 3)
    }

    @Test func aNonStreamedAnswerGivesTheSameEvents() async throws {
        let provider = try FakeLLM.provider(streaming: false)
        let add = ToolSpec(name: "add", description: "Adds a and b", inputSchema: .object(["type": .string("object")]))
        let turn = try await ModelTurn.collect(provider.stream(ModelRequest(model: "m", instructions: "", messages: [FakeLLM.message("2+3")], tools: [add])))
        #expect(turn.stop == .toolUse)
        #expect(try JSONValue(parsing: try #require(turn.message.toolCalls.first).arguments) == .object(["a": .number(2), "b": .number(3)]))
    }

    @Test func toolCallArgumentsStreamedInPiecesAreAssembled() async throws {
        let provider = try FakeLLM.provider()
        let add = ToolSpec(name: "add", description: "Adds a and b", inputSchema: .object(["type": .string("object")]))
        let first = FakeLLM.message("what is 2+3")
        let turn = try await ModelTurn.collect(provider.stream(ModelRequest(model: "m", instructions: "", messages: [first], tools: [add])))
        #expect(turn.stop == .toolUse)
        let call = try #require(turn.message.toolCalls.first)
        #expect(call.name == "add" && !call.id.isEmpty)
        #expect(try JSONValue(parsing: call.arguments) == .object(["a": .number(2), "b": .number(3)]))
        // The tool's result goes back; the model answers.
        let answer = try await ModelTurn.collect(
            provider.stream(
                ModelRequest(
                    model: "m", instructions: "", messages: [first, turn.message, ChatMessage(role: .tool, text: "5", toolCallID: call.id)], tools: [add])))
        #expect(answer.message.text == "The sum is 5.")
    }

    @Test func injected429And500AreRetried() async throws {
        let provider = try FakeLLM.provider(streaming: false)
        let turn = try await ModelTurn.collect(provider.stream(ModelRequest(model: "m", instructions: "", messages: [FakeLLM.message("flaky")])))
        #expect(turn.message.text == "recovered after retries")
    }

    @Test func retriesGiveUpWithTheProvidersMessage() async throws {
        let provider = try FakeLLM.provider(maxAttempts: 1, streaming: false)
        do {
            _ = try await ModelTurn.collect(provider.stream(ModelRequest(model: "m", instructions: "", messages: [FakeLLM.message("flaky")])))
            Issue.record("a 429 with no retries left did not fail")
        } catch {
            #expect("\(error)".contains("HTTP 429") && "\(error)".contains("slow down"))
        }
    }

    @Test func a4xxFailsAtOnceWithTheProvidersMessage() async throws {
        let provider = try FakeLLM.provider(streaming: false)
        let started = ContinuousClock.now
        do {
            _ = try await ModelTurn.collect(provider.stream(ModelRequest(model: "m", instructions: "", messages: [FakeLLM.message("forbidden")])))
            Issue.record("a 401 did not fail")
        } catch {
            #expect("\(error)".contains("HTTP 401") && "\(error)".contains("invalid api key") && "\(error)".contains("1 attempt"))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func anAgentRunsItsToolLoopAgainstTheFakeModel() async throws {
        let provider = try FakeLLM.provider()
        let calls = DeltaLog()
        let agent = AgentDefinition(
            name: "calc", instructions: "Add.", model: "m", provider: provider,
            tools: [
                ClosureTool(name: "add", description: "Adds a and b") { arguments in
                    calls.append("add")
                    guard case .number(let a)? = arguments["a"], case .number(let b)? = arguments["b"] else { return "bad arguments" }
                    return String(Int(a + b))
                }
            ])
        let store = MemoryStore()
        let sessions = Sessions(store: store)
        let session = try await sessions.create(source: "test")
        try await sessions.push(
            try JSONEncoder().encode("what is 2+3 [\(UUID().uuidString)]"),
            header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        let report = try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent))).drive(session.id)
        #expect(report.status == .finished)
        #expect(calls.count == 1)
        let result = try #require(try await SessionLog(store: store).entries(of: session.id).last { $0.header.name == "result" })
        #expect(try JSONDecoder().decode(String.self, from: try await store.body(of: result)) == "The sum is 5.")
    }
}

final class DeltaLog: Sendable {
    private let items = Mutex<[String]>([])
    func append(_ item: String) { items.withLock { $0.append(item) } }
    var count: Int { items.withLock { $0.count } }
}
