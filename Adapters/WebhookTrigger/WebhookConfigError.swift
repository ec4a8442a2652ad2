public import CairnTriggers

/// A webhook trigger option that cannot be used as given (`value` is `<redacted>` for a secret).
public typealias WebhookConfigError = TriggerOptionError

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
