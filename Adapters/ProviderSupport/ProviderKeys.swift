public import CairnCore
import Foundation

/// How providers find their API key in an agent file's options and the environment.
public enum ProviderKeys {
    /// The key from the variable `api_key_env` names (which must be set), or nil when the
    /// options name none (the provider then falls back to its usual variable).
    /// - Throws: ``ComponentError`` when `api_key_env` names a variable that is not set.
    public static func apiKey(_ options: ComponentOptions) throws -> String? {
        if let variable = try options.string("api_key_env") {
            guard let value = options.environment[variable], !value.isEmpty else {
                throw options.invalid("api_key_env names \(variable), which is not set in the environment")
            }
            return value
        }
        return nil
    }
}
