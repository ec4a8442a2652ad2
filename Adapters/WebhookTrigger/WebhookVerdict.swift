/// What ``WebhookVerifier/verify(headers:body:now:)`` decided about one request.
public enum WebhookVerdict: Sendable, Hashable {
    /// The request is the sender's: it may start the trigger.
    case accepted
    /// The request was refused, for the given reason.
    case rejected(WebhookRejection)

    /// Whether the verdict is ``accepted``.
    public var isAccepted: Bool { self == .accepted }
}

/// Why a webhook request was refused. An `Error`, so that callers may throw it.
///
/// The ``description`` is safe to log: it names headers and numbers, and never contains the
/// secret, the expected signature or any text the request supplied.
public enum WebhookRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The header that carries the signature (or timestamp) is absent.
    case missingHeader(name: String)
    /// The header is present but not in the scheme's format; `problem` says what is wrong.
    case malformedHeader(name: String, problem: String)
    /// The header is well formed but does not match what the configured secret gives for this body.
    case badSignature(header: String)
    /// The signed timestamp is further from the verifier's clock than the tolerance allows.
    /// `skewSeconds` is positive when the timestamp is in the past.
    case staleTimestamp(skewSeconds: Int64, toleranceSeconds: Int64)
    /// The same timestamp and signature were already accepted within the tolerance window.
    case replayed

    /// A one-line explanation, safe to log.
    public var description: String {
        switch self {
        case .missingHeader(let name):
            "the \(name) header is missing"
        case .malformedHeader(let name, let problem):
            "the \(name) header is malformed: \(problem)"
        case .badSignature(let header):
            "the \(header) header does not match the configured secret for this body"
        case .staleTimestamp(let skew, let tolerance):
            skew >= 0
                ? "the signed timestamp is \(skew) s old; at most \(tolerance) s is accepted (check the sender's clock)"
                : "the signed timestamp is \(-skew) s in the future; at most \(tolerance) s is accepted (check the sender's clock)"
        case .replayed:
            "this signature was already accepted; a replayed request is refused"
        }
    }
}
