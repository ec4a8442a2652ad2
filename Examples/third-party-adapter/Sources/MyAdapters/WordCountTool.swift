import CairnCore
import Foundation

/// A tool that counts the words, characters and lines of a text and names its most frequent
/// words. Deterministic: the same text always gets the same answer, e.g. for `the cat saw the dog`
///
///     5 words, 19 characters, 1 line; most frequent: the (2), cat (1), dog (1)
///
/// Words are runs of letters, digits and apostrophes, compared without regard to case; ties in
/// frequency are broken alphabetically.
public struct WordCountTool: Tool {
    /// How many of the most frequent words the answer names (0: none).
    public let top: Int
    /// The longest text accepted, in characters.
    public let maxCharacters: Int

    /// The name the tool registers under and the model sees.
    public static let name = "word_count"

    /// Creates the tool.
    /// - Parameters:
    ///   - top: how many of the most frequent words to name, 0 or more.
    ///   - maxCharacters: the longest text accepted; longer texts are refused with a message.
    public init(top: Int = 3, maxCharacters: Int = 1_000_000) {
        self.top = max(0, top)
        self.maxCharacters = max(1, maxCharacters)
    }

    /// The tool as the model sees it: `word_count`, taking `{"text": "..."}`.
    public var spec: ToolSpec {
        ToolSpec(
            name: Self.name,
            description: "Counts the words, characters and lines of a text and names its most frequent words.",
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object(["text": .object(["type": .string("string"), "description": .string("the text to count")])]),
                "required": .array([.string("text")]),
            ]))
    }

    /// Counts the words of `arguments.text`.
    /// - Throws: `ToolError.badArgument` for missing or oversized text; `CancellationError` when cancelled.
    public func invoke(_ arguments: JSONValue) async throws -> String {
        guard case .string(let text)? = arguments["text"] else {
            throw ToolError.badArgument("word_count takes {\"text\": \"...\"}, a JSON object with the text as a string; got \(arguments.text.prefix(120))")
        }
        guard text.count <= maxCharacters else {
            throw ToolError.badArgument("the text has \(text.count) characters; word_count takes at most \(maxCharacters)")
        }
        try Task.checkCancellation()
        return try Self.count(text, top: top)
    }

    /// The answer for `text`.
    /// - Throws: `CancellationError` if the task is cancelled while counting a long text.
    static func count(_ text: String, top: Int) throws -> String {
        var frequencies: [String: Int] = [:]
        var total = 0
        for (index, word) in KeywordProvider.words(text).enumerated() {
            if index % 10_000 == 0 { try Task.checkCancellation() }
            frequencies[word.lowercased(), default: 0] += 1
            total += 1
        }
        let lines = text.isEmpty ? 0 : text.split(separator: "\n", omittingEmptySubsequences: false).count
        var answer =
            "\(total) \(total == 1 ? "word" : "words"), \(text.count) \(text.count == 1 ? "character" : "characters"), \(lines) \(lines == 1 ? "line" : "lines")"
        let ranked = frequencies.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
        if !ranked.isEmpty {
            answer += "; most frequent: " + ranked.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
        }
        return answer
    }
}

extension WordCountTool {
    /// Registers the `word_count` tool, configured by its entry's options `top` and `max_characters`:
    ///
    /// ```yaml
    /// tools:
    ///   - word_count: {top: 5}
    /// ```
    public static func register(in components: inout Components) {
        components.register(.tool, name, summary: "counts the words of a text (deterministic)") { configuration in
            let options = configuration.options
            try options.allowing(["top", "max_characters"])
            let top = try options.integer("top", in: 0...50) ?? 3
            let maxCharacters = try options.integer("max_characters", in: 1...10_000_000) ?? 1_000_000
            return [WordCountTool(top: top, maxCharacters: maxCharacters)]
        }
    }
}
