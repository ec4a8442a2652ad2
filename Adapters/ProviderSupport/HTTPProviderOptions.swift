public import CairnCore
import Foundation

/// The keys of an agent file's `model:` that every HTTP model provider reads, checked and typed:
/// `base_url`, `api_key_env`, `streaming`, `timeout_seconds`, `max_attempts`.
public struct HTTPProviderOptions: Sendable {
    /// The keys this reads; a provider with more passes its own to ``init(_:provider:extraKeys:)``.
    public static let keys: Set<String> = ["base_url", "api_key_env", "streaming", "timeout_seconds", "max_attempts"]

    /// The model's name (required).
    public var model: String
    /// `base_url`, if given (the provider falls back to its environment variable, then its public API).
    public var baseURL: String?
    /// The key from the variable `api_key_env` names, if given (else the provider's usual variable).
    public var apiKey: String?
    /// `timeout_seconds` (default 300).
    public var timeout: Duration
    /// `max_attempts` in 1...20 (default 4).
    public var maxAttempts: Int
    /// `streaming` (default true).
    public var streaming: Bool
    /// The environment the provider resolves its defaults from.
    public var environment: [String: String]

    /// Reads and checks the options of `configuration` for the provider named `provider`.
    /// - Throws: ``ComponentError`` for an unknown key, a mistyped value, a missing model name,
    ///   or an `api_key_env` naming a variable that is not set.
    public init(_ configuration: ProviderConfiguration, provider: String, extraKeys: Set<String> = []) throws {
        let options = configuration.options
        try options.allowing(Self.keys.union(extraKeys))
        guard let model = configuration.model, !model.isEmpty else { throw options.invalid("name is required for the \(provider) provider") }
        self.model = model
        baseURL = try options.string("base_url")
        if let variable = try options.string("api_key_env") {
            guard let value = options.environment[variable], !value.isEmpty else {
                throw options.invalid("api_key_env names \(variable), which is not set in the environment")
            }
            apiKey = value
        }
        timeout = try options.seconds("timeout_seconds", default: .seconds(300))
        maxAttempts = try options.integer("max_attempts", in: 1...20) ?? 4
        streaming = try options.bool("streaming") ?? true
        environment = options.environment
    }
}
