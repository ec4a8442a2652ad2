import CairnAnthropic
import CairnCore
import CairnTestSupport
import Testing

/// Base URLs with or without `/v1` (Anthropic's SDKs take `https://api.anthropic.com`), and the
/// defaults from the environment.
@Suite("Anthropic base URLs and environment", .serialized)
struct AnthropicBaseURLTests {
    typealias Configuration = AnthropicProvider.Configuration

    @Test(arguments: [
        ("https://api.anthropic.com", "https://api.anthropic.com/v1"),
        ("https://api.anthropic.com/", "https://api.anthropic.com/v1"),
        ("https://api.anthropic.com/v1", "https://api.anthropic.com/v1"),
        ("https://api.anthropic.com/v1//", "https://api.anthropic.com/v1"),
        ("https://gateway.example/anthropic", "https://gateway.example/anthropic/v1"),
    ])
    func isNormalisedOnce(_ given: String, _ used: String) {
        #expect(Configuration.normalizedBaseURL(given) == used)
        #expect(Configuration(baseURL: given).baseURL == used)
        var configuration = Configuration()
        configuration.baseURL = given
        #expect(configuration.baseURL == used)
    }

    @Test func theEnvironmentFillsWhatIsNotGiven() {
        let environment = ["ANTHROPIC_BASE_URL": "http://127.0.0.1:9000", "ANTHROPIC_API_KEY": "sk-ant-env"]
        let resolved = Configuration.resolve(baseURL: nil, apiKey: nil, environment: environment)
        #expect(resolved.baseURL == "http://127.0.0.1:9000/v1" && resolved.apiKey == "sk-ant-env")
        let explicit = Configuration.resolve(baseURL: "http://127.0.0.1:1", apiKey: "mine", environment: environment)
        #expect(explicit.baseURL == "http://127.0.0.1:1/v1" && explicit.apiKey == "mine")
        let none = Configuration.resolve(baseURL: "", apiKey: nil, environment: [:])
        #expect(none.baseURL == "https://api.anthropic.com/v1" && none.apiKey == nil)
        let configuration = Configuration(baseURL: nil, apiKey: nil, environment: environment, defaultMaxTokens: 99)
        #expect(configuration.baseURL == "http://127.0.0.1:9000/v1" && configuration.apiKey == "sk-ant-env" && configuration.defaultMaxTokens == 99)
    }

    @Test(arguments: ["", "/", "/v1", "/v1/"])
    func bothFormsReachTheServer(_ suffix: String) async throws {
        let server = try FakeLLMServer.shared.get()
        let provider = AnthropicProvider(configuration: .init(baseURL: server.url + suffix, apiKey: "test", timeout: .seconds(30)))
        let turn = try await ModelTurn.collect(
            provider.stream(
                ModelRequest(
                    model: "claude", instructions: "", messages: [ChatMessage(role: .user, text: FakeLLMServer.unique("hello"))])))
        #expect(turn.message.text == "Hello from a fake model, streamed word by word.")
    }
}
