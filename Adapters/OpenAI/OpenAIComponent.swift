public import CairnCore
import CairnProviderSupport
import Foundation

extension OpenAIProvider {
    /// The keys of an agent file's `model:` this provider reads.
    static let optionKeys: Set<String> = ["base_url", "api_key_env", "streaming", "timeout_seconds", "max_attempts"]

    /// Registers the `openai` model provider (any OpenAI-compatible server) in `components`.
    ///
    /// Options: `base_url` (default `OPENAI_BASE_URL`, then `https://api.openai.com/v1`),
    /// `api_key_env` (default `OPENAI_API_KEY`), `streaming`, `timeout_seconds`, `max_attempts`.
    public static func register(in components: inout Components) {
        components.register(.modelProvider, "openai", summary: "OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, ...)", configured)
    }

    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = configuration.options
        try options.allowing(optionKeys)
        guard let model = configuration.model, !model.isEmpty else { throw options.invalid("name is required for the openai provider") }
        let settings = Configuration(
            baseURL: try options.string("base_url"), apiKey: try ProviderKeys.apiKey(options), environment: options.environment,
            timeout: try options.seconds("timeout_seconds", default: .seconds(300)),
            maxAttempts: try options.integer("max_attempts", in: 1...20) ?? 4, streaming: try options.bool("streaming") ?? true)
        return ConfiguredModel(provider: OpenAIProvider(configuration: settings), model: model, secrets: settings.apiKey.map { [$0] } ?? [])
    }
}
