import CairnOpenAI
import Testing

/// Base URL and API key defaults from the environment, as OpenAI's SDKs take them.
@Suite("OpenAI configuration from the environment")
struct OpenAIEnvironmentTests {
    typealias Configuration = OpenAIProvider.Configuration

    @Test func explicitValuesWin() {
        let resolved = Configuration.resolve(
            baseURL: "http://127.0.0.1:11434/v1/", apiKey: "explicit",
            environment: ["OPENAI_BASE_URL": "http://elsewhere/v1", "OPENAI_API_KEY": "from-env"])
        #expect(resolved.baseURL == "http://127.0.0.1:11434/v1" && resolved.apiKey == "explicit")
    }

    @Test func theEnvironmentFillsWhatIsNotGiven() {
        let environment = ["OPENAI_BASE_URL": " http://127.0.0.1:8000/v1// ", "OPENAI_API_KEY": "sk-env"]
        let resolved = Configuration.resolve(baseURL: nil, apiKey: nil, environment: environment)
        #expect(resolved.baseURL == "http://127.0.0.1:8000/v1" && resolved.apiKey == "sk-env")
        let blank = Configuration.resolve(baseURL: "  ", apiKey: "", environment: environment)
        #expect(blank.baseURL == "http://127.0.0.1:8000/v1" && blank.apiKey == "sk-env")
    }

    @Test func thenThePublicAPIAndNoKey() {
        let resolved = Configuration.resolve(baseURL: nil, apiKey: nil, environment: ["OPENAI_BASE_URL": "", "OPENAI_API_KEY": " "])
        #expect(resolved.baseURL == "https://api.openai.com/v1" && resolved.apiKey == nil)
    }

    @Test func theInitialisersAgree() {
        let configuration = Configuration(baseURL: nil, apiKey: nil, environment: ["OPENAI_API_KEY": "sk-env"], maxAttempts: 2, streaming: false)
        #expect(configuration.baseURL == "https://api.openai.com/v1" && configuration.apiKey == "sk-env")
        #expect(configuration.maxAttempts == 2 && !configuration.streaming)
        #expect(Configuration(baseURL: "http://127.0.0.1:1/v1/").baseURL == "http://127.0.0.1:1/v1")
    }
}
