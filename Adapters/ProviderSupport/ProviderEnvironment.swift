import Foundation

/// Settings a provider takes from the environment when its configuration leaves them out, the
/// way the official SDKs do (`OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`, ...).
public enum ProviderEnvironment {
    /// `explicit` when it is set and not blank, else `environment[variable]` when that is set and
    /// not blank, else nil; surrounding whitespace is trimmed.
    public static func value(_ explicit: String?, variable: String, in environment: [String: String]) -> String? {
        for candidate in [explicit, environment[variable]] {
            if let value = candidate?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { return value }
        }
        return nil
    }

    /// `url` without the slashes it ends with.
    public static func droppingTrailingSlashes(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }
}
