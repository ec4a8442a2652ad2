import CairnAnthropic
import CairnCore
import CairnTestSupport
import Foundation
import Synchronization
import Testing

/// The Anthropic Messages provider against a real fakellm server on 127.0.0.1.
@Suite("Anthropic provider against fakellm", .serialized)
struct AnthropicProviderTests {
    /// fakellm injects error statuses only into non-streamed answers, so the error tests use those.
    func provider(maxAttempts: Int = 4, streaming: Bool = true) throws -> AnthropicProvider {
        let server = try FakeLLMServer.shared.get()
        return AnthropicProvider(
            configuration: .init(
                baseURL: server.url + "/v1", apiKey: "test", timeout: .seconds(30),
                maxAttempts: maxAttempts, initialBackoff: .milliseconds(20), streaming: streaming))
    }

    func message(_ text: String) -> ChatMessage { ChatMessage(role: .user, text: FakeLLMServer.unique(text)) }

    @Test func textIsStreamedAsTypedEventsWithUsage() async throws {
        let deltas = Mutex(0)
        let turn = try await ModelTurn.collect(
            try provider().stream(ModelRequest(model: "claude", instructions: "Be brief.", messages: [message("hello")])),
            onText: { _ in deltas.withLock { $0 += 1 } })
        #expect(turn.message.text == "Hello from a fake model, streamed word by word.")
        #expect(turn.stop == .endTurn)
        #expect(deltas.withLock { $0 } > 3)
        #expect(turn.usage.inputTokens > 0 && turn.usage.outputTokens > 0)
    }

    @Test func toolUseBlocksWithStreamedInputAreAssembledAndResultsGoBack() async throws {
        let provider = try provider()
        let add = ToolSpec(name: "add", description: "Adds a and b", inputSchema: .object(["type": .string("object")]))
        let first = message("what is 2+3")
        let turn = try await ModelTurn.collect(provider.stream(ModelRequest(model: "claude", instructions: "", messages: [first], tools: [add])))
        #expect(turn.stop == .toolUse)
        let call = try #require(turn.message.toolCalls.first)
        #expect(call.name == "add" && call.id.hasPrefix("toolu_"))
        #expect(try JSONValue(parsing: call.arguments) == .object(["a": .number(2), "b": .number(3)]))
        let answer = try await ModelTurn.collect(
            provider.stream(
                ModelRequest(
                    model: "claude", instructions: "", messages: [first, turn.message, ChatMessage(role: .tool, text: "5", toolCallID: call.id)], tools: [add]))
        )
        #expect(answer.message.text == "The sum is 5.")
    }

    @Test func aNonStreamedMessageGivesTheSameEvents() async throws {
        let add = ToolSpec(name: "add", description: "Adds a and b", inputSchema: .object(["type": .string("object")]))
        let turn = try await ModelTurn.collect(
            try provider(streaming: false).stream(
                ModelRequest(model: "claude", instructions: "", messages: [message("2+3")], tools: [add])))
        #expect(turn.stop == .toolUse)
        #expect(try JSONValue(parsing: try #require(turn.message.toolCalls.first).arguments) == .object(["a": .number(2), "b": .number(3)]))
    }

    @Test func injected429And500AreRetried() async throws {
        let turn = try await ModelTurn.collect(
            try provider(streaming: false).stream(ModelRequest(model: "claude", instructions: "", messages: [message("flaky")])))
        #expect(turn.message.text == "recovered after retries")
    }

    @Test func a4xxFailsAtOnceWithTheAPIsMessage() async throws {
        do {
            _ = try await ModelTurn.collect(
                try provider(streaming: false).stream(ModelRequest(model: "claude", instructions: "", messages: [message("forbidden")])))
            Issue.record("a 401 did not fail")
        } catch {
            #expect("\(error)".contains("HTTP 401") && "\(error)".contains("1 attempt"))
        }
    }
}
