import CairnCore

/// One behaviour every ``ModelProvider`` must have, checked by ``ProviderConformance``.
///
/// Each scenario has a ``script`` (what the fake model answers; the harness programs it) and
/// expectations, listed below. Every scenario whose provider answers also checks the stream's
/// shape: exactly one `.stop`, with no event after it, and the stream ending within the harness's
/// ``ProviderConformanceHarness/promptness`` after it (an answer that ends without `.stop` fails).
public enum ProviderScenario: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Text answered in several pieces. The reply is one sentence of 12 words. Expects at least
    /// two `.text` events whose concatenation is exactly the reply, no tool call, and the stop
    /// reason `.endTurn`. A provider that cannot stream declares this scenario unsupported.
    case streamedText = "streamed-text"
    /// One tool call with JSON arguments. The request offers the tool `lookup_trail`; the reply
    /// calls it with arguments holding a non-ASCII string, an escaped quote, a number, an array
    /// and a nested object. Expects exactly one `.toolCall` event, named `lookup_trail`, with a
    /// non-blank id and arguments that parse as JSON equal to the scripted ones, and the stop
    /// reason `.toolUse`. Text alongside the call is allowed and not checked.
    case toolCall = "tool-call"
    /// A tool result sent back and answered. The first request is answered with a call of
    /// `lookup_trail`; the kit sends a second request with the conversation so far (the user's
    /// message, the assistant's message as received, and a tool message answering the call's id
    /// with ``ProviderScript/toolResult``). Expects the second answer to be exactly its scripted
    /// text, with no tool call and the stop reason `.endTurn`.
    case toolResult = "tool-result"
    /// Usage reported. Expects at least one `.usage` event, no negative count, and in sum more
    /// than zero input tokens and more than zero output tokens.
    case usage = "usage"
    /// A transient failure retried. The first request is refused with 429, the second with 500,
    /// the third answered with text. Expects the provider to retry by itself and the answer to be
    /// exactly that text with the stop reason `.endTurn`: the harness must allow at least three
    /// attempts and should make the backoff tiny. Needs error injection.
    case transientFailure = "transient-failure"
    /// Retries that give up. Every request is refused with 503. Expects the stream to throw (not
    /// `CancellationError`) within the harness's timeout, with an error whose description names
    /// the status 503 and the server's message. Needs error injection.
    case persistentFailure = "persistent-failure"
    /// A 400 fails at once. The first request is refused with 400; a second request would be
    /// answered with text. Expects the stream to throw an error whose description names the
    /// status 400 and the server's message, without a retry (a provider that retries gets the
    /// text, and fails the scenario). Needs error injection.
    case badRequest = "bad-request"
    /// A 401 fails at once, as ``badRequest`` does for 400. Needs error injection.
    case unauthorized = "unauthorized"
    /// Cancellation of the consuming task. The first two replies are a long text (600 words,
    /// which a fake server streams over seconds), the third a short one. The kit collects the
    /// first answer with `ModelTurn.collect` in a task it cancels from outside when the first
    /// text delta arrives (as when an agent run is cancelled), and the second in a task that
    /// cancels itself at its first delta. Expects `collect` to throw `CancellationError` within
    /// ``ProviderConformanceHarness/promptness`` of each cancellation: any other error is wrong,
    /// and so is a turn from a cancelled task (a fake success), except, from outside, the complete
    /// answer of a provider that had it all in before the cancellation landed. Then the same
    /// provider answers the third request with the third reply.
    case cancellation = "cancellation"
    /// The stream ends after `.stop`. Reads the raw stream of a short text answer: `.stop` is its
    /// last event, the stream finishes within ``ProviderConformanceHarness/promptness`` after it
    /// (a provider holding the stream open after the answer fails), and stays finished.
    case stopEndsStream = "stop-ends-stream"

    /// The scenario's name, e.g. `tool-call`.
    public var description: String { rawValue }

    /// What the fake model answers in this scenario.
    public var script: ProviderScript {
        let marker = "[cairn-conformance \(rawValue)]"
        switch self {
        case .streamedText:
            return ProviderScript(marker: marker, replies: [.text(Fixtures.streamedText)])
        case .toolCall:
            return ProviderScript(marker: marker, replies: [.toolCall(name: Fixtures.tool.name, arguments: Fixtures.toolArguments)])
        case .toolResult:
            return ProviderScript(
                marker: marker,
                replies: [.toolCall(name: Fixtures.tool.name, arguments: .object(["trail": .string("Pennine Way")])), .text(Fixtures.toolAnswer)],
                toolResult: Fixtures.toolResult)
        case .usage:
            return ProviderScript(marker: marker, replies: [.text("Usage is counted in tokens.")])
        case .transientFailure:
            return ProviderScript(
                marker: marker,
                replies: [
                    .failure(status: 429, message: "rate limited: slow down"), .failure(status: 500, message: "internal hiccup"),
                    .text(Fixtures.recovered),
                ])
        case .persistentFailure:
            return ProviderScript(marker: marker, replies: [.failure(status: 503, message: "overloaded: try again later")])
        case .badRequest:
            return ProviderScript(
                marker: marker,
                replies: [
                    .failure(status: 400, message: "messages.0.content: field required"), .text(Fixtures.retriedClientError),
                ])
        case .unauthorized:
            return ProviderScript(marker: marker, replies: [.failure(status: 401, message: "invalid x-api-key"), .text(Fixtures.retriedClientError)])
        case .cancellation:
            return ProviderScript(marker: marker, replies: [.text(Fixtures.longText), .text(Fixtures.longText), .text(Fixtures.afterCancellation)])
        case .stopEndsStream:
            return ProviderScript(marker: marker, replies: [.text("One answer, one stop.")])
        }
    }

    /// Whether the script refuses a request with an HTTP status, which only a harness able to
    /// inject errors (a fake HTTP server) can program.
    public var needsErrorInjection: Bool {
        script.replies.contains { if case .failure = $0 { true } else { false } }
    }
}
