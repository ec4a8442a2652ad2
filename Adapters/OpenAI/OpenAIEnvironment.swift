import CairnProviderSupport

extension OpenAIProvider.Configuration {
    /// The public API, used when neither the configuration nor the environment names a base URL.
    public static let defaultBaseURL = "https://api.openai.com/v1"
    /// The variable naming the base URL, as in OpenAI's SDKs (e.g. `http://127.0.0.1:11434/v1`).
    public static let baseURLVariable = "OPENAI_BASE_URL"
    /// The variable holding the API key, as in OpenAI's SDKs.
    public static let apiKeyVariable = "OPENAI_API_KEY"

    /// The base URL and API key a provider uses: each given value when set and not blank, else
    /// `OPENAI_BASE_URL` / `OPENAI_API_KEY` from `environment` when set and not blank, else the
    /// public API and no key. The base URL is normalised as the initialiser does (no trailing `/`).
    public static func resolve(baseURL: String?, apiKey: String?, environment: [String: String]) -> (baseURL: String, apiKey: String?) {
        let url = ProviderEnvironment.value(baseURL, variable: baseURLVariable, in: environment) ?? defaultBaseURL
        return (ProviderEnvironment.droppingTrailingSlashes(url), ProviderEnvironment.value(apiKey, variable: apiKeyVariable, in: environment))
    }

    /// A configuration whose base URL and API key, when not given, come from `environment` (see
    /// ``resolve(baseURL:apiKey:environment:)``); pass `ProcessInfo.processInfo.environment`.
    public init(
        baseURL: String?, apiKey: String?, environment: [String: String], timeout: Duration = .seconds(300), maxAttempts: Int = 4,
        initialBackoff: Duration = .milliseconds(500), streaming: Bool = true
    ) {
        let resolved = Self.resolve(baseURL: baseURL, apiKey: apiKey, environment: environment)
        self.init(
            baseURL: resolved.baseURL, apiKey: resolved.apiKey, timeout: timeout, maxAttempts: maxAttempts,
            initialBackoff: initialBackoff, streaming: streaming)
    }
}
