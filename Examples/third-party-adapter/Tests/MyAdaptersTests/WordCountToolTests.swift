import CairnCore
import CairnToolConformance
import Foundation
import MyAdapters
import Testing

@Suite("word_count tool")
struct WordCountToolTests {
    static let fixture = ToolFixture(make: { WordCountTool() }, validArguments: .object(["text": .string("the cat saw the dog")])) { result in
        guard result == "5 words, 19 characters, 1 line; most frequent: the (2), cat (1), dog (1)" else {
            throw ToolConformanceFailure("word_count answered \(result)")
        }
    }

    @Test(arguments: ToolConformance.checks.map(\.name))
    func conformance(_ check: String) async throws {
        try await ToolConformance.run(check, on: Self.fixture)
    }

    @Test func theAnswerIsDeterministic() async throws {
        let tool = WordCountTool(top: 2)
        let text = JSONValue.object(["text": .string("To be, or not to be:\nthat is the question.")])
        let first = try await tool.invoke(text)
        #expect(first == "10 words, 42 characters, 2 lines; most frequent: be (2), to (2)")
        #expect(try await tool.invoke(text) == first)
        #expect(try await WordCountTool(top: 0).invoke(.object(["text": .string("")])) == "0 words, 0 characters, 0 lines")
    }

    @Test func badArgumentsAreExplained() async throws {
        await #expect(throws: ToolError.badArgument("word_count takes {\"text\": \"...\"}, a JSON object with the text as a string; got {\"text\":3}")) {
            _ = try await WordCountTool().invoke(.object(["text": .number(3)]))
        }
        await #expect(throws: ToolError.badArgument("the text has 6 characters; word_count takes at most 5")) {
            _ = try await WordCountTool(maxCharacters: 5).invoke(.object(["text": .string("abcdef")]))
        }
    }

    @Test func itsOptionsAreChecked() async throws {
        var components = Components()
        WordCountTool.register(in: &components)
        func make(_ values: [String: JSONValue]) async throws -> [any Tool] {
            try await components.make(
                .tool, "word_count", ToolConfiguration(options: ComponentOptions(location: "agent.yaml: tools[0].word_count", values: values)))
        }
        let tools = try await make(["top": .number(1)])
        #expect(tools.map(\.spec.name) == ["word_count"])
        #expect(try await tools[0].invoke(.object(["text": .string("b a b")])) == "3 words, 5 characters, 1 line; most frequent: b (2)")
        await #expect(throws: ComponentError.invalid("agent.yaml: tools[0].word_count", "unknown key 'tpo'; known: max_characters, top")) {
            _ = try await make(["tpo": .number(1)])
        }
        await #expect(throws: ComponentError.invalid("agent.yaml: tools[0].word_count", "top must be a whole number in 0...50")) {
            _ = try await make(["top": .number(99)])
        }
    }
}
