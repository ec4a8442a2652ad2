public import CairnCore

/// What the fake model behind a harness answers in one scenario: the harness programs its fake
/// server (or scripted provider) from this, whatever the provider's wire format.
///
/// Every request the kit sends in a scenario carries ``marker`` in its first user message,
/// followed by a nonce unique to the run, so a server that tells conversations apart by their
/// first user message (as fakellm does) sees each run as a new conversation. The requests of one
/// run are answered in order by ``replies``: the first request by `replies[0]`, the second by
/// `replies[1]`, and every request after the last reply by the last reply. A request is one
/// attempt on the wire: a provider that retries a failure sends the next request.
public struct ProviderScript: Sendable, Hashable {
    /// One answer of the fake model.
    public enum Reply: Sendable, Hashable {
        /// A successful answer made of this text (streamed in several pieces when the provider
        /// streams) and the stop reason "end of turn".
        case text(String)
        /// A successful answer made of one tool call, with these JSON arguments, and the stop
        /// reason "tool use". The server picks the call's id.
        case toolCall(name: String, arguments: JSONValue)
        /// A refusal: the HTTP status and the error message of the API's JSON error body
        /// (`{"error": {"message": ...}}` or the API's own shape). Only a harness that can
        /// inject errors can program it (see ``ProviderScenario/needsErrorInjection``).
        case failure(status: Int, message: String)
    }

    /// Text in the first user message of every request of the scenario (then a nonce). No
    /// scenario's marker is part of another's, so a server can match on it as a substring.
    public let marker: String
    /// The answers to the requests of one run, in order; requests after the last get the last.
    public let replies: [Reply]
    /// The text of the tool result the kit sends back with its second request, if the scenario
    /// sends one. A server that can match on tool results should give `replies[1]` only to a
    /// request carrying it, so that a provider which drops tool results fails the scenario.
    public let toolResult: String?

    /// Creates a script.
    public init(marker: String, replies: [Reply], toolResult: String? = nil) {
        self.marker = marker
        self.replies = replies
        self.toolResult = toolResult
    }
}
