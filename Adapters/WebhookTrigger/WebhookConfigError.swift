/// A webhook trigger option that cannot be used as given.
///
/// Names the option (``field``), the value it had (``value``; never a secret's value) and what is
/// wrong with it and how to fix it (``message``). Safe to log and to show to the person editing the
/// configuration.
public struct WebhookConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration key, for example `signature_scheme` or `allowed_sources[2]`.
    public var field: String
    /// The value that was refused, as written; `<redacted>` for a secret, empty when the key is missing.
    public var value: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error for `field` holding `value`.
    public init(field: String, value: String, message: String) {
        self.field = field
        self.value = value
        self.message = message
    }

    /// `field` and `value` followed by the message, on one line.
    public var description: String {
        value.isEmpty ? "\(field): \(message)" : "\(field) '\(value)': \(message)"
    }
}

extension WebhookConfigError {
    /// The configuration keys these errors name.
    enum Field {
        static let scheme = "signature_scheme"
        static let secret = "hmac_secret"
        static let header = "signature_header"
        static let tolerance = "signature_tolerance"
        static let sources = "allowed_sources"
    }
}
