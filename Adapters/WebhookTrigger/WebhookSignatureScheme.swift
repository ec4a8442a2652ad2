public import CairnTriggers

/// How a webhook sender proves that a request is its own.
///
/// Parsed from the `signature_scheme` option with ``init(configName:)``. Every scheme except
/// ``none`` needs a shared secret.
public enum WebhookSignatureScheme: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `X-Webhook-Signature: sha256=<hex>`: HMAC-SHA256 of the raw body.
    case generic
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body.
    case github
    /// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>,...`, HMAC-SHA256 of `<t>.<body>`, with a
    /// timestamp window and replay protection.
    case stripe
    /// Slack: `X-Slack-Signature: v0=<hex>`, HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<body>`,
    /// with a timestamp window.
    case slack
    /// A header whose value is the shared secret itself; the header is named by `signature_header`.
    case header
    /// The ``header`` check with Telegram's header, `X-Telegram-Bot-Api-Secret-Token`, as the default.
    case telegram
    /// No check at all. Only allowed when no secret is configured.
    case none

    /// Parses a configuration name: one of the cases' raw values, ignoring case and surrounding spaces.
    ///
    /// - Throws: ``WebhookConfigError`` for `signature_scheme`, listing the known names, when `configName`
    ///   is not one of them.
    public init(configName: String) throws(WebhookConfigError) {
        let normalized = configName.trimmingASCIIWhitespace().lowercased()
        guard let scheme = Self(rawValue: normalized) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw WebhookConfigError(
                field: WebhookConfigError.Field.scheme, value: configName,
                message: "unknown signature scheme; use one of: \(known)")
        }
        self = scheme
    }

    /// The name used in configuration.
    public var configName: String { rawValue }

    /// The configuration name.
    public var description: String { rawValue }

    /// Whether the scheme checks a shared secret (every scheme but ``none``).
    public var needsSecret: Bool { self != .none }

    /// Whether `signature_header` may rename the header this scheme reads.
    public var allowsHeaderOverride: Bool {
        switch self {
        case .generic, .github, .header, .telegram: true
        case .stripe, .slack, .none: false
        }
    }

    /// The header the scheme reads when `signature_header` is not set; nil for ``header``, which
    /// has no default, and for ``none``.
    public var defaultHeader: String? {
        switch self {
        case .generic: "X-Webhook-Signature"
        case .github: "X-Hub-Signature-256"
        case .stripe: "Stripe-Signature"
        case .slack: "X-Slack-Signature"
        case .telegram: "X-Telegram-Bot-Api-Secret-Token"
        case .header, .none: nil
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingASCIIWhitespace() -> String {
        String(Substring(self).trimmingASCIIWhitespace())
    }
}

extension Substring {
    /// The substring without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
