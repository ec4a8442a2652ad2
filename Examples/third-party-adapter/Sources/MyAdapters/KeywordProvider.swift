import CairnCore
import Foundation

/// A deterministic model provider driven by keyword rules, for offline agents and tests.
///
/// - When the last message is the user's and one of its words is a rule's keyword, it answers
///   with a call to that rule's tool: the tool's first required string argument (from the tool's
///   input schema) gets the text between the first pair of double quotes in the message, or the
///   whole message without quotes.
/// - After tool results, it answers with ``answerTemplate``, `{tool}` and `{result}` replaced
///   (`{result}` by the results, joined by `; ` when there are several).
/// - Otherwise it answers with ``fallback``.
///
/// Text streams in pieces of ``pieceWords`` words; every answer reports its usage (words
/// counted as tokens) and ends with `.stop`. The same request always gets the same answer, in
/// any process, so conversations continue across runs and replays.
///
/// ```yaml
/// model:
///   provider: keyword
///   rules: {count: word_count}        # keyword (a word of the message, any case) → tool
///   answer: "word_count says: {result}"
///   fallback: "Ask me to count the words in some quoted text."
///   piece_words: 2
/// ```
public struct KeywordProvider: ModelProvider {
    /// Keywords (lowercased) and the tools they call.
    public let rules: [String: String]
    /// The answer after tool results; contains `{result}`, may contain `{tool}`.
    public let answerTemplate: String
    /// The answer when no keyword matches.
    public let fallback: String
    /// How many words each streamed text piece holds.
    public let pieceWords: Int

    /// The name the provider registers under (`model: {provider: keyword}` or `model: keyword:NAME`).
    public static let name = "keyword"

    /// Creates a provider.
    /// - Parameters:
    ///   - rules: keywords and the tools they call; keywords are matched without regard to case.
    ///   - answerTemplate: the answer after tool results, with `{result}` (and optionally `{tool}`).
    ///   - fallback: the answer when no keyword matches.
    ///   - pieceWords: words per streamed text piece, at least 1.
    public init(
        rules: [String: String], answerTemplate: String = "The {tool} tool says: {result}",
        fallback: String = "I did not find a keyword I know in your message.", pieceWords: Int = 1
    ) {
        self.rules = Dictionary(rules.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.answerTemplate = answerTemplate
        self.fallback = fallback
        self.pieceWords = max(1, pieceWords)
    }

    /// Streams the answer to `request`: text pieces or one tool call, the usage, then `.stop`.
    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        let answer = Result { try respond(to: request) }
        return AsyncThrowingStream { continuation in
            switch answer {
            case .failure(let error):
                continuation.finish(throwing: error)
            case .success(let turn):
                for piece in Self.pieces(of: turn.text, words: pieceWords) { continuation.yield(.text(piece)) }
                if let call = turn.call { continuation.yield(.toolCall(call)) }
                let prompt = ([request.instructions] + request.messages.map(\.text)).map(Self.words).map(\.count).reduce(0, +)
                let output = Self.words(turn.text).count + (turn.call.map { Self.words($0.arguments).count } ?? 0)
                continuation.yield(.usage(Usage(inputTokens: prompt, outputTokens: output)))
                continuation.yield(.stop(turn.call == nil ? .endTurn : .toolUse))
                continuation.finish()
            }
        }
    }

    /// The text and tool call that answer `request`.
    /// - Throws: ``ModelProviderError`` when a rule names a tool the request does not offer, or
    ///   whose schema has no string argument to fill.
    func respond(to request: ModelRequest) throws -> (text: String, call: ToolCall?) {
        guard let last = request.messages.last else { return (fallback, nil) }
        switch last.role {
        case .tool:
            let results = request.messages.reversed().prefix { $0.role == .tool }.reversed()
            let calls = request.messages.last { $0.role == .assistant }?.toolCalls ?? []
            let tools = results.map { result in calls.first { $0.id == result.toolCallID }?.name ?? "tool" }
            let text = results.map { $0.isError ? "it failed: \($0.text)" : $0.text }.joined(separator: "; ")
            let answer =
                answerTemplate
                .replacingOccurrences(of: "{tool}", with: Array(Set(tools)).sorted().joined(separator: ", "))
                .replacingOccurrences(of: "{result}", with: text)
            return (answer, nil)
        case .user:
            guard let tool = Self.words(last.text).lazy.compactMap({ rules[$0.lowercased()] }).first else { return (fallback, nil) }
            guard let spec = request.tools.first(where: { $0.name == tool }) else {
                let offered = request.tools.map(\.name).sorted()
                throw ModelProviderError(
                    "keyword: a rule calls the tool '\(tool)', which this agent does not offer (it offers: \(offered.isEmpty ? "none" : offered.joined(separator: ", "))); add it to the agent file's tools: or fix model.rules"
                )
            }
            guard let argument = Self.textArgument(of: spec) else {
                throw ModelProviderError("keyword: the tool '\(tool)' has no string argument in its input schema to put the message's text in")
            }
            let arguments = JSONValue.object([argument: .string(Self.quoted(in: last.text) ?? last.text.replacingOccurrences(of: "\"", with: ""))])
            let number = request.messages.filter { $0.role == .assistant }.count + 1
            return ("", ToolCall(id: "keyword-\(number)", name: tool, arguments: arguments.text))
        case .assistant:
            return (fallback, nil)
        }
    }

    /// The first required string property of a tool's input schema, else its first string property (by name).
    static func textArgument(of spec: ToolSpec) -> String? {
        guard case .object(let properties)? = spec.inputSchema["properties"] else { return nil }
        let strings = properties.filter { $0.value["type"] == .string("string") }.keys.sorted()
        var required: [String] = []
        if case .array(let names)? = spec.inputSchema["required"] { required = names.compactMap(\.stringValue) }
        return required.first(where: strings.contains) ?? strings.first
    }

    /// The text between the first pair of double quotes, if there is one.
    static func quoted(in text: String) -> String? {
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// The words of `text`: runs of letters, digits and apostrophes.
    static func words(_ text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }

    /// `text` in pieces of `words` space-separated words; pieces after the first start with their space.
    static func pieces(of text: String, words: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        let split = text.split(separator: " ", omittingEmptySubsequences: false)
        return stride(from: 0, to: split.count, by: words).map { start in
            (start == 0 ? "" : " ") + split[start..<min(split.count, start + words)].joined(separator: " ")
        }
    }
}

extension KeywordProvider {
    /// Registers the `keyword` model provider, configured by the agent file's `model:` keys
    /// `rules` (required), `answer`, `fallback` and `piece_words`.
    public static func register(in components: inout Components) {
        components.register(.modelProvider, name, summary: "answers by keyword rules, calling tools (offline, deterministic)", configured)
    }

    /// The provider's factory: reads and checks its keys of `model:`.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and how to fix it.
    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = configuration.options
        try options.allowing(["rules", "answer", "fallback", "piece_words"])
        guard let rules = try options.stringMap("rules"), !rules.isEmpty else {
            throw options.invalid("rules is required: a mapping of keywords to tool names, e.g. rules: {count: word_count}")
        }
        for (keyword, tool) in rules.sorted(by: { $0.key < $1.key }) {
            guard words(keyword) == [keyword] else {
                throw options.invalid("rules: the keyword '\(keyword)' must be one word (letters, digits, apostrophes)")
            }
            guard !tool.isEmpty, tool.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw options.invalid("rules: '\(keyword)' maps to '\(tool)', which is not a tool name (letters, digits, '_' or '-')")
            }
        }
        let answer = try options.string("answer") ?? "The {tool} tool says: {result}"
        guard answer.contains("{result}") else {
            throw options.invalid("answer must contain {result}, where the tool's result goes, e.g. answer: \"It says: {result}\"")
        }
        let fallback = try options.string("fallback") ?? "I did not find a keyword I know in your message."
        guard !fallback.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw options.invalid("fallback must not be empty: an empty answer makes the agent nudge the model and try again")
        }
        let pieceWords = try options.integer("piece_words", in: 1...100) ?? 1
        let provider = KeywordProvider(rules: rules, answerTemplate: answer, fallback: fallback, pieceWords: pieceWords)
        return ConfiguredModel(provider: provider, model: configuration.model ?? name)
    }
}
