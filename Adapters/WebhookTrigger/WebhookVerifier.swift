public import CairnTriggers
import Crypto
public import Foundation

/// Checks that webhook requests come from the configured sender, by the trigger's signature scheme.
///
/// Transport-neutral: it is given the request's header fields and raw body as values. Every
/// comparison of secret-derived bytes takes the same time wherever the bytes differ. Safe to share
/// between concurrent requests; the only shared state is the replay cache of the ``WebhookSignatureScheme/stripe``
/// scheme, behind a mutex.
public final class WebhookVerifier: Sendable {
    /// The scheme requests are checked by.
    public let scheme: WebhookSignatureScheme
    /// The header that carries the signature or secret; nil for ``WebhookSignatureScheme/none``.
    public let headerName: String?
    /// How far a signed timestamp may be from the clock, either way (Stripe and Slack).
    public let tolerance: Duration

    /// The check a scheme performs, with what it needs.
    enum Check: Sendable {
        case none
        case bodySignature(key: SymmetricKey, header: String)
        case stripe(key: SymmetricKey, header: String)
        case slack(key: SymmetricKey, header: String)
        case sharedSecret(digest: [UInt8], header: String)
    }

    let check: Check
    let toleranceSeconds: Double
    let replays: ReplayCache

    /// A verifier for `scheme` with the shared `secret`.
    ///
    /// - Parameters:
    ///   - scheme: the `signature_scheme` option.
    ///   - secret: the `secret` option; nil or empty when none is configured. Used as its UTF-8 bytes,
    ///     exactly as the sender's libraries do (a Stripe `whsec_...` value is used whole).
    ///   - header: the `signature_header` option, renaming the header of `generic`, `github`, `header`
    ///     and `telegram`; required for `header`.
    ///   - tolerance: how far a Stripe or Slack timestamp may be from `now`, either way; 300 s by default,
    ///     at most one day. Ignored by the other schemes.
    ///   - replayCapacity: the most Stripe signatures remembered for replay protection.
    /// - Throws: ``WebhookConfigError`` naming the option: `secret` when a scheme needs one and none is
    ///   given, when `none` is given one, or when it starts or ends with whitespace; `signature_header`
    ///   when it is not a header name, is missing for `header`, or is given to a scheme with fixed headers;
    ///   `tolerance` when it is not positive or longer than a day.
    public init(
        scheme: WebhookSignatureScheme, secret: String?, header: String? = nil, tolerance: Duration = .seconds(300),
        replayCapacity: Int = 10_000
    ) throws(WebhookConfigError) {
        typealias Field = WebhookConfigError.Field
        let secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        if let secret {
            guard scheme.needsSecret else {
                throw WebhookConfigError(
                    field: Field.secret, value: "<redacted>",
                    message: "the 'none' scheme checks nothing, so the secret would be ignored; remove 'hmac_secret' or choose a scheme that uses it")
            }
            guard secret.trimmingASCIIWhitespace() == secret else {
                throw WebhookConfigError(
                    field: Field.secret, value: "<redacted>",
                    message: "the secret starts or ends with whitespace (often a newline left by a secrets file); remove it")
            }
        } else if scheme.needsSecret {
            throw WebhookConfigError(
                field: Field.secret, value: "",
                message:
                    "the '\(scheme)' scheme needs the shared secret the sender signs with; set 'hmac_secret' (or 'hmac_secret_env'), or use 'none' to accept unsigned requests"
            )
        }
        let headerName = try Self.headerName(scheme: scheme, configured: header)
        guard tolerance > .zero, tolerance <= .seconds(86_400) else {
            throw WebhookConfigError(
                field: Field.tolerance, value: "\(tolerance)", message: "the timestamp tolerance must be more than 0 s and at most 86400 s (one day)")
        }
        self.scheme = scheme
        self.headerName = headerName
        self.tolerance = tolerance
        self.toleranceSeconds = Double(tolerance.components.seconds) + Double(tolerance.components.attoseconds) / 1e18
        self.check = Self.check(scheme: scheme, secret: secret, header: headerName)
        self.replays = ReplayCache(capacity: replayCapacity, sweepInterval: toleranceSeconds)
    }

    /// Decides whether the request with these header fields and this raw body is the sender's.
    ///
    /// Header names are matched without regard to case; a signature header given more than once
    /// is refused as malformed. `now` is the clock Stripe and Slack timestamps are checked against.
    /// An accepted Stripe request is remembered, so the same signed request is refused as
    /// ``WebhookRejection/replayed`` while its timestamp is within the tolerance.
    public func verify(headers: [(name: String, value: String)], body: Data, now: Date) -> WebhookVerdict {
        let lookup = HeaderLookup(fields: headers)
        switch check {
        case .none: return .accepted
        case .bodySignature(let key, let header): return verifyBodySignature(lookup, header: header, body: body, key: key)
        case .stripe(let key, let header): return verifyStripe(lookup, header: header, body: body, key: key, now: now)
        case .slack(let key, let header): return verifySlack(lookup, header: header, body: body, key: key, now: now)
        case .sharedSecret(let digest, let header): return verifySharedSecret(lookup, header: header, digest: digest)
        }
    }

    /// The check for a validated configuration: a scheme that needs a secret has one, and a
    /// header name, by then. Anything else checks as `none` only when the scheme is `none`;
    /// otherwise it refuses every request (unreachable after validation, and failing closed).
    private static func check(scheme: WebhookSignatureScheme, secret: String?, header: String?) -> Check {
        guard scheme.needsSecret else { return .none }
        guard let secret, let header else { return .sharedSecret(digest: [], header: header ?? "signature") }
        let key = SymmetricKey(data: Data(secret.utf8))
        switch scheme {
        case .generic, .github: return .bodySignature(key: key, header: header)
        case .stripe: return .stripe(key: key, header: header)
        case .slack: return .slack(key: key, header: header)
        case .header, .telegram, .none: return .sharedSecret(digest: Array(SHA256.hash(data: Data(secret.utf8))), header: header)
        }
    }

    private static func headerName(scheme: WebhookSignatureScheme, configured: String?) throws(WebhookConfigError) -> String? {
        let field = WebhookConfigError.Field.header
        guard let configured = configured.flatMap({ $0.isEmpty ? nil : $0 }) else {
            if scheme == .header {
                throw WebhookConfigError(
                    field: field, value: "", message: "the 'header' scheme compares a header with the secret; set 'signature_header' to its name")
            }
            return scheme.defaultHeader
        }
        guard scheme.allowsHeaderOverride else {
            let reads = scheme == .none ? "reads no header" : "reads fixed headers"
            throw WebhookConfigError(
                field: field, value: configured,
                message: "the '\(scheme)' scheme \(reads); remove 'signature_header' (it applies to generic, github, header and telegram)")
        }
        guard isToken(configured) else {
            throw WebhookConfigError(
                field: field, value: configured,
                message: "not a header name; use letters, digits and - (for example X-Webhook-Signature)")
        }
        return configured
    }

    /// Whether `name` is an HTTP field name (an RFC 9110 token).
    private static func isToken(_ name: String) -> Bool {
        let extra = Set("!#$%&'*+-.^_`|~".utf8)
        return !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
                default: extra.contains(byte)
                }
            }
    }
}
