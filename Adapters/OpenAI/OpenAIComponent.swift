public import CairnCore
import CairnProviderSupport
import Foundation

extension OpenAIProvider {
    /// Registers the `openai` model provider in `components`.
    ///
    /// Options (``HTTPProviderOptions``): `base_url` (default `OPENAI_BASE_URL`, then
    /// `https://api.openai.com/v1`), `api_key_env` (default `OPENAI_API_KEY`), `streaming`, `timeout_seconds`,
    /// `max_attempts`.
    public static func register(in components: inout Components) {
        components.register(.modelProvider, "openai", summary: "OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, ...)", configured)
    }

    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = try HTTPProviderOptions(configuration, provider: "openai")
        let settings = Configuration(
            baseURL: options.baseURL, apiKey: options.apiKey, environment: options.environment, timeout: options.timeout,
            maxAttempts: options.maxAttempts, streaming: options.streaming)
        return ConfiguredModel(provider: OpenAIProvider(configuration: settings), model: options.model, secrets: settings.apiKey.map { [$0] } ?? [])
    }
}
