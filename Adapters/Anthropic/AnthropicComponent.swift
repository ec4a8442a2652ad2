public import CairnCore
import CairnProviderSupport
import Foundation

extension AnthropicProvider {
    /// The keys of an agent file's `model:` this provider reads.
    static let optionKeys: Set<String> = ["base_url", "api_key_env", "streaming", "timeout_seconds", "max_attempts"]

    /// Registers the `anthropic` model provider (the Messages API) in `components`.
    ///
    /// Options: `base_url` (default `ANTHROPIC_BASE_URL`, then `https://api.anthropic.com`),
    /// `api_key_env` (default `ANTHROPIC_API_KEY`), `streaming`, `timeout_seconds`, `max_attempts`.
    public static func register(in components: inout Components) {
        components.register(.modelProvider, "anthropic", summary: "Anthropic Messages API", configured)
    }

    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = configuration.options
        try options.allowing(optionKeys)
        guard let model = configuration.model, !model.isEmpty else { throw options.invalid("name is required for the anthropic provider") }
        let settings = Configuration(
            baseURL: try options.string("base_url"), apiKey: try ProviderKeys.apiKey(options), environment: options.environment,
            timeout: try options.seconds("timeout_seconds", default: .seconds(300)),
            maxAttempts: try options.integer("max_attempts", in: 1...20) ?? 4, streaming: try options.bool("streaming") ?? true)
        return ConfiguredModel(provider: AnthropicProvider(configuration: settings), model: model, secrets: settings.apiKey.map { [$0] } ?? [])
    }
}
