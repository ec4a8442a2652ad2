import CairnProviderSupport

extension AnthropicProvider.Configuration {
    /// The public API, used when neither the configuration nor the environment names a base URL
    /// (written as Anthropic's SDKs write it; normalised to `https://api.anthropic.com/v1`).
    public static let defaultBaseURL = "https://api.anthropic.com"
    /// The variable naming the base URL, as in Anthropic's SDKs (e.g. `https://api.anthropic.com`, no `/v1`).
    public static let baseURLVariable = "ANTHROPIC_BASE_URL"
    /// The variable holding the API key, as in Anthropic's SDKs.
    public static let apiKeyVariable = "ANTHROPIC_API_KEY"

    /// `url` as the provider uses it: trailing `/` dropped, then `/v1` appended unless it ends
    /// with `/v1` already. So `https://api.anthropic.com` (the SDKs' form) and
    /// `https://api.anthropic.com/v1/` both give `https://api.anthropic.com/v1`, and a gateway's
    /// `https://gateway.example/anthropic` gives `https://gateway.example/anthropic/v1`.
    public static func normalizedBaseURL(_ url: String) -> String {
        let trimmed = ProviderEnvironment.droppingTrailingSlashes(url)
        return trimmed.hasSuffix("/v1") ? trimmed : trimmed + "/v1"
    }

    /// The base URL and API key a provider uses: each given value when set and not blank, else
    /// `ANTHROPIC_BASE_URL` / `ANTHROPIC_API_KEY` from `environment` when set and not blank,
    /// else the public API and no key. The base URL is normalised (``normalizedBaseURL(_:)``).
    public static func resolve(baseURL: String?, apiKey: String?, environment: [String: String]) -> (baseURL: String, apiKey: String?) {
        let url = ProviderEnvironment.value(baseURL, variable: baseURLVariable, in: environment) ?? defaultBaseURL
        return (normalizedBaseURL(url), ProviderEnvironment.value(apiKey, variable: apiKeyVariable, in: environment))
    }

    /// A configuration whose base URL and API key, when not given, come from `environment` (see
    /// ``resolve(baseURL:apiKey:environment:)``); pass `ProcessInfo.processInfo.environment`.
    public init(
        baseURL: String?, apiKey: String?, environment: [String: String], version: String = "2023-06-01",
        defaultMaxTokens: Int = 4096, timeout: Duration = .seconds(300), maxAttempts: Int = 4,
        initialBackoff: Duration = .milliseconds(500), streaming: Bool = true
    ) {
        let resolved = Self.resolve(baseURL: baseURL, apiKey: apiKey, environment: environment)
        self.init(
            baseURL: resolved.baseURL, apiKey: resolved.apiKey, version: version, defaultMaxTokens: defaultMaxTokens,
            timeout: timeout, maxAttempts: maxAttempts, initialBackoff: initialBackoff, streaming: streaming)
    }
}
