import CairnCore
import Foundation
import MyAdapters
import Testing

@Suite("keyword model provider")
struct KeywordProviderTests {
    static let provider = KeywordProvider(rules: ["Count": "word_count"], answerTemplate: "{tool} says: {result}", fallback: "Nothing to do here today.")
    static let request = ModelRequest(model: "keyword-1", instructions: "Count words.", messages: [], tools: [WordCountTool().spec])

    func request(_ messages: [ChatMessage]) -> ModelRequest {
        var request = Self.request
        request.messages = messages
        return request
    }

    @Test func aKeywordCallsItsToolWithValidJSONArguments() async throws {
        let events = try await collectEvents(of: Self.provider, request([ChatMessage(role: .user, text: "Please COUNT the words in \"to be or not\"")]))
        guard events.count == 3, case .toolCall(let call) = events[0], case .usage(let usage) = events[1] else {
            Issue.record("expected a tool call, usage and stop, got \(events)")
            return
        }
        #expect(call.name == "word_count" && call.id == "keyword-1")
        #expect(try JSONValue(parsing: call.arguments) == .object(["text": .string("to be or not")]))
        #expect(usage.inputTokens == 2 + 9 && usage.outputTokens > 0)
        #expect(events.last == .stop(.toolUse))

        let unquoted = try await collectEvents(of: Self.provider, request([ChatMessage(role: .user, text: "count these words")]))
        guard case .toolCall(let whole) = unquoted.first else { throw ModelProviderError("no tool call in \(unquoted)") }
        #expect(try JSONValue(parsing: whole.arguments) == .object(["text": .string("count these words")]))
    }

    @Test func afterAToolResultItAnswersWithTheResultInTextPieces() async throws {
        let call = ToolCall(id: "keyword-1", name: "word_count", arguments: "{\"text\":\"to be or not\"}")
        let events = try await collectEvents(
            of: Self.provider,
            request([
                ChatMessage(role: .user, text: "count \"to be or not\""),
                ChatMessage(role: .assistant, text: "", toolCalls: [call]),
                ChatMessage(role: .tool, text: "4 words", toolCallID: "keyword-1"),
            ]))
        let pieces = events.compactMap { event -> String? in if case .text(let piece) = event { piece } else { nil } }
        #expect(pieces == ["word_count", " says:", " 4", " words"])
        #expect(events.contains { if case .usage = $0 { true } else { false } })
        #expect(events.last == .stop(.endTurn))

        let turn = try await ModelTurn.collect(
            KeywordProvider(rules: ["count": "word_count"], pieceWords: 3).stream(
                request([
                    ChatMessage(role: .user, text: "count it"),
                    ChatMessage(role: .assistant, text: "", toolCalls: [call]),
                    ChatMessage(role: .tool, text: "no text given", toolCallID: "keyword-1", isError: true),
                ])))
        #expect(turn.message.text == "The word_count tool says: it failed: no text given")
        #expect(turn.stop == .endTurn && turn.message.toolCalls.isEmpty)
    }

    @Test func withoutAKeywordItAnswersWithTheFallback() async throws {
        let turn = try await ModelTurn.collect(Self.provider.stream(request([ChatMessage(role: .user, text: "hello there")])))
        #expect(turn.message.text == "Nothing to do here today." && turn.stop == .endTurn)
        // The keyword must be a whole word: "counting" is not "count".
        let partial = try await ModelTurn.collect(Self.provider.stream(request([ChatMessage(role: .user, text: "counting sheep")])))
        #expect(partial.message.toolCalls.isEmpty)
    }

    @Test func aRuleForAToolTheAgentLacksIsAnActionableError() async throws {
        var request = request([ChatMessage(role: .user, text: "count this")])
        request.tools = []
        let error = await #expect(throws: ModelProviderError.self) {
            _ = try await ModelTurn.collect(Self.provider.stream(request))
        }
        #expect(
            error?.description
                == "keyword: a rule calls the tool 'word_count', which this agent does not offer (it offers: none); add it to the agent file's tools: or fix model.rules"
        )
    }

    @Test func itsOptionsAreChecked() async throws {
        var components = Components()
        KeywordProvider.register(in: &components)
        func make(_ values: [String: JSONValue]) async throws -> ConfiguredModel {
            try await components.make(
                .modelProvider, "keyword", ProviderConfiguration(model: nil, options: ComponentOptions(location: "agent.yaml: model", values: values)))
        }
        let rules = JSONValue.object(["count": .string("word_count")])
        let configured = try await make(["rules": rules, "piece_words": .number(2)])
        #expect(configured.model == "keyword" && (configured.provider as? KeywordProvider)?.pieceWords == 2)

        let cases: [([String: JSONValue], String)] = [
            ([:], "rules is required: a mapping of keywords to tool names, e.g. rules: {count: word_count}"),
            (["rules": .string("count")], "rules must be a mapping of strings"),
            (["rules": .object(["two words": .string("word_count")])], "rules: the keyword 'two words' must be one word (letters, digits, apostrophes)"),
            (
                ["rules": .object(["count": .string("word count")])],
                "rules: 'count' maps to 'word count', which is not a tool name (letters, digits, '_' or '-')"
            ),
            (["rules": rules, "answer": .string("done")], "answer must contain {result}, where the tool's result goes, e.g. answer: \"It says: {result}\""),
            (["rules": rules, "fallback": .string(" ")], "fallback must not be empty: an empty answer makes the agent nudge the model and try again"),
            (["rules": rules, "piece_words": .number(0)], "piece_words must be a whole number in 1...100"),
            (["rules": rules, "temprature": .number(1)], "unknown key 'temprature'; known: answer, fallback, piece_words, rules"),
        ]
        for (values, message) in cases {
            await #expect(throws: ComponentError.invalid("agent.yaml: model", message)) { _ = try await make(values) }
        }
        await #expect(throws: ComponentError.unknown(seam: "model provider", name: "keywrod", known: ["keyword", "scripted"])) {
            _ = try await components.make(.modelProvider, "keywrod", ProviderConfiguration(model: nil, options: ComponentOptions(location: "model")))
        }
    }
}
