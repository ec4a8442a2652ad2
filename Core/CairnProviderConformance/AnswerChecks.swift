import CairnCore

/// The scenarios in which the provider answers: text, tool calls, tool results, usage, stop.
enum AnswerChecks {
    static func streamedText(_ check: Check) async throws {
        let answer = try await check.answer(check.newRequest(), "the answer")
        try check.requireText(answer, Fixtures.streamedText, "the answer")
        try check.require(answer.pieces.count >= 2, "the answer came in \(answer.pieces.count) text piece(s), expected several (is the provider streaming?)")
    }

    static func toolCall(_ check: Check) async throws {
        let answer = try await check.answer(check.newRequest(), "the answer")
        let call = try requireOneCall(answer, check, "the answer")
        try check.require(call.name == Fixtures.tool.name, "the tool call is named \(Reader.quote(call.name)), expected \(Fixtures.tool.name)")
        let arguments: JSONValue
        do {
            arguments = try JSONValue(parsing: call.arguments)
        } catch {
            throw check.failure("the tool call's arguments are not JSON: \(Reader.quote(call.arguments, limit: 400))")
        }
        try check.require(
            arguments == Fixtures.toolArguments,
            "the tool call's arguments are \(arguments.text), expected \(Fixtures.toolArguments.text)")
        try check.require(answer.stop == .toolUse, "the stop reason is \(Reader.name(answer.stop)), expected tool_use")
    }

    static func toolResult(_ check: Check) async throws {
        let first = check.newRequest()
        let answer = try await check.answer(first, "the first answer")
        let call = try requireOneCall(answer, check, "the first answer")
        guard let result = check.scenario.script.toolResult else { throw check.failure("the script has no tool result") }
        let second = ModelRequest(
            model: first.model, instructions: first.instructions,
            messages: first.messages + [answer.message, ChatMessage(role: .tool, text: result, toolCallID: call.id)], tools: first.tools)
        let final = try await check.answer(second, "the answer to the tool result")
        try check.requireText(final, Fixtures.toolAnswer, "the answer to the tool result", hint: " (did the tool result reach the server?)")
    }

    static func usage(_ check: Check) async throws {
        let answer = try await check.answer(check.newRequest(), "the answer")
        try check.require(!answer.usages.isEmpty, "the answer reported no usage (\(answer.summary))")
        try check.require(answer.usages.allSatisfy { $0.inputTokens >= 0 && $0.outputTokens >= 0 }, "a usage has a negative count: \(answer.usages)")
        let total = answer.usages.reduce(Usage(), +)
        try check.require(total.inputTokens > 0, "the usage reports \(total.inputTokens) input tokens, expected more than 0")
        try check.require(total.outputTokens > 0, "the usage reports \(total.outputTokens) output tokens, expected more than 0")
    }

    static func stopEndsStream(_ check: Check) async throws {
        // Reader.consume fails the check on an event after .stop, a stream still open after it,
        // or a stream yielding again once ended; here the answer itself is checked too.
        let answer = try await check.answer(check.newRequest(), "the answer")
        try check.require(answer.events.last.map(Reader.isStop) == true, "the last event is not .stop: \(answer.summary)")
        try check.requireText(answer, "One answer, one stop.", "the answer")
    }

    /// The answer's only tool call, with a non-blank id.
    static func requireOneCall(_ answer: Answer, _ check: Check, _ what: String) throws -> ToolCall {
        guard answer.calls.count == 1, let call = answer.calls.first else {
            throw check.failure("\(what) has \(answer.calls.count) tool calls, expected 1 (\(answer.summary))")
        }
        try check.require(!call.id.allSatisfy(\.isWhitespace), "\(what): the tool call's id is blank")
        return call
    }
}
