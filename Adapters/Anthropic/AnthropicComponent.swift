public import CairnCore
import CairnProviderSupport
import Foundation

extension AnthropicProvider {
    /// Registers the `anthropic` model provider in `components`.
    ///
    /// Options (``HTTPProviderOptions``): `base_url` (default `ANTHROPIC_BASE_URL`, then
    /// `https://api.anthropic.com`), `api_key_env` (default `ANTHROPIC_API_KEY`), `streaming`, `timeout_seconds`,
    /// `max_attempts`.
    public static func register(in components: inout Components) {
        components.register(.modelProvider, "anthropic", summary: "Anthropic Messages API", configured)
    }

    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = try HTTPProviderOptions(configuration, provider: "anthropic")
        let settings = Configuration(
            baseURL: options.baseURL, apiKey: options.apiKey, environment: options.environment, timeout: options.timeout,
            maxAttempts: options.maxAttempts, streaming: options.streaming)
        return ConfiguredModel(provider: AnthropicProvider(configuration: settings), model: options.model, secrets: settings.apiKey.map { [$0] } ?? [])
    }
}
