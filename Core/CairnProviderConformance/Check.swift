import CairnCore

/// One run of a scenario: what the checks need to know, and how they fail.
struct Check: Sendable {
    let scenario: ProviderScenario
    let provider: any ModelProvider
    let model: String
    let promptness: Duration

    /// A first request of the scenario, with a nonce of its own (a new conversation).
    func newRequest() -> ModelRequest { Fixtures.request(scenario, model: model) }

    func failure(_ message: String) -> ProviderConformanceFailure {
        ProviderConformanceFailure(scenario: scenario, message: message)
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ProviderConformanceFailure) {
        if !condition { throw failure(message()) }
    }

    /// The answer to `request`, which must end with `.stop` and no error.
    func answer(_ request: ModelRequest, _ what: String) async throws -> Answer {
        let consumed = try await Reader.consume(provider.stream(request), self, what)
        if let error = consumed.error {
            throw failure("\(what): the stream threw \(Reader.describe(error))\(consumed.events.isEmpty ? "" : " after \(Answer(consumed.events).summary)")")
        }
        let answer = Answer(consumed.events)
        try require(answer.stop != nil, "\(what): the stream ended without .stop, after \(answer.summary)")
        return answer
    }

    /// Requires `answer` to be exactly `text`, with no tool call, ended by `.endTurn`.
    func requireText(_ answer: Answer, _ text: String, _ what: String, hint: String = "") throws(ProviderConformanceFailure) {
        try require(answer.text == text, "\(what): the text is \(Reader.quote(answer.text)), expected \(Reader.quote(text))\(hint)")
        try require(answer.calls.isEmpty, "\(what): a text answer came with tool calls \(answer.calls)")
        try require(answer.stop == .endTurn, "\(what): the stop reason is \(Reader.name(answer.stop)), expected end_turn")
    }
}

/// What a provider streamed for one answer.
struct Answer: Sendable {
    let events: [ModelEvent]

    init(_ events: [ModelEvent]) { self.events = events }

    var pieces: [String] { events.compactMap { if case .text(let piece) = $0 { piece } else { nil } } }
    var text: String { pieces.joined() }
    var calls: [ToolCall] { events.compactMap { if case .toolCall(let call) = $0 { call } else { nil } } }
    var usages: [Usage] { events.compactMap { if case .usage(let usage) = $0 { usage } else { nil } } }
    var stop: StopReason? { events.lazy.compactMap { if case .stop(let reason) = $0 { reason } else { nil } }.first }

    /// The assistant's message, as an agent would record it.
    var message: ChatMessage { ChatMessage(role: .assistant, text: text, toolCalls: calls) }

    /// E.g. `12 text pieces ("Cairns are…"), 1 tool call, 1 usage, stop end_turn`.
    var summary: String {
        var parts = ["\(pieces.count) text piece\(pieces.count == 1 ? "" : "s")" + (text.isEmpty ? "" : " (\(Reader.quote(text)))")]
        parts.append("\(calls.count) tool call\(calls.count == 1 ? "" : "s")")
        parts.append("\(usages.count) usage event\(usages.count == 1 ? "" : "s")")
        parts.append("stop \(Reader.name(stop))")
        return parts.joined(separator: ", ")
    }
}
