import CairnCore
import CairnProviderConformance
import CairnTestSupport

/// A harness for an HTTP provider against a real fakellm on 127.0.0.1, programmed with
/// ``FakeLLMRules`` for every scenario at once.
///
/// fakellm injects error statuses only into non-streamed answers, so the scenarios that need
/// error injection get a provider asking for one JSON answer (`streaming: false`); so does
/// `usage` for an API whose streamed answers fakellm sends without usage (OpenAI's).
struct FakeLLMHarness: ProviderConformanceHarness {
    /// Makes the provider under test for a base URL (`http://127.0.0.1:PORT/v1`), streaming or not.
    let make: @Sendable (_ baseURL: String, _ streaming: Bool) -> any ModelProvider
    /// Whether fakellm reports usage in this API's streamed answers.
    let streamsUsage: Bool

    /// The conformance server, started on first use and shared by the harnesses of this process.
    static let server: Result<LocalServer, any Error> = Result { try FakeLLMServer.start(rules: FakeLLMRules.conformance()) }

    func provider(for scenario: ProviderScenario) async throws -> any ModelProvider {
        let server = try Self.server.get()
        let streaming = !scenario.needsErrorInjection && (scenario != .usage || streamsUsage)
        return make(server.url + "/v1", streaming)
    }
}
