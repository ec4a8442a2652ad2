import Crypto
import Foundation

extension WebhookVerifier {
    /// `generic` and `github`: `<header>: sha256=<hex>`, the HMAC-SHA256 of the raw body.
    func verifyBodySignature(_ headers: HeaderLookup, header: String, body: Data, key: SymmetricKey) -> WebhookVerdict {
        let value: Substring
        switch headers.required(header) {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let text): value = text
        }
        let prefix = "sha256="
        guard value.count > prefix.count, value.prefix(prefix.count).lowercased() == prefix else {
            return .rejected(.malformedHeader(name: header, problem: "expected sha256=<64 hexadecimal digits>"))
        }
        guard let given = SignatureBytes.hex(value.dropFirst(prefix.count)) else {
            return .rejected(.malformedHeader(name: header, problem: "the signature after sha256= is not 64 hexadecimal digits"))
        }
        let expected = Self.mac(key: key, prefix: Data(), body: body)
        return SignatureBytes.constantTimeEqual(given, expected) ? .accepted : .rejected(.badSignature(header: header))
    }

    /// `header` and `telegram`: the header's value is the secret. The SHA-256 digests of both are
    /// compared, so neither the secret's bytes nor its length show in the time taken.
    func verifySharedSecret(_ headers: HeaderLookup, header: String, digest: [UInt8]) -> WebhookVerdict {
        switch headers.required(header) {
        case .failure(let rejection):
            return .rejected(rejection)
        case .success(let value):
            let given = Array(SHA256.hash(data: Data(value.utf8)))
            return SignatureBytes.constantTimeEqual(given, digest) ? .accepted : .rejected(.badSignature(header: header))
        }
    }

    /// `slack`: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:<body>`, with
    /// the timestamp within the tolerance.
    func verifySlack(_ headers: HeaderLookup, header: String, body: Data, key: SymmetricKey, now: Date) -> WebhookVerdict {
        let timestampHeader = "X-Slack-Request-Timestamp"
        let timestampText: Substring
        let signatureText: Substring
        switch (headers.required(timestampHeader), headers.required(header)) {
        case (.failure(let rejection), _), (_, .failure(let rejection)): return .rejected(rejection)
        case (.success(let timestamp), .success(let signature)):
            timestampText = timestamp
            signatureText = signature
        }
        guard let timestamp = SignatureBytes.unixSeconds(timestampText) else {
            return .rejected(.malformedHeader(name: timestampHeader, problem: "expected a Unix time in whole seconds"))
        }
        guard signatureText.hasPrefix("v0="), let given = SignatureBytes.hex(signatureText.dropFirst(3)) else {
            return .rejected(.malformedHeader(name: header, problem: "expected v0=<64 hexadecimal digits>"))
        }
        if let stale = staleness(of: timestamp, now: now) { return .rejected(stale) }
        let expected = Self.mac(key: key, prefix: Data("v0:\(timestampText):".utf8), body: body)
        return SignatureBytes.constantTimeEqual(given, expected) ? .accepted : .rejected(.badSignature(header: header))
    }

    /// `stripe`: `Stripe-Signature: t=<unix>,v1=<hex>,...` over `<t>.<body>`. Any `v1` may match;
    /// the timestamp must be within the tolerance and the (timestamp, signature) pair new.
    func verifyStripe(_ headers: HeaderLookup, header: String, body: Data, key: SymmetricKey, now: Date) -> WebhookVerdict {
        let parsed: StripeSignatureHeader
        switch headers.required(header) {
        case .failure(let rejection):
            return .rejected(rejection)
        case .success(let value):
            switch StripeSignatureHeader.parse(value) {
            case .failure(let problem): return .rejected(.malformedHeader(name: header, problem: problem.text))
            case .success(let header): parsed = header
            }
        }
        if let stale = staleness(of: parsed.timestamp, now: now) { return .rejected(stale) }
        // Signed as Stripe's libraries rebuild it: the timestamp's decimal digits, without leading zeros.
        let expected = Self.mac(key: key, prefix: Data("\(parsed.timestamp).".utf8), body: body)
        var matched: [UInt8]?
        for signature in parsed.signatures where SignatureBytes.constantTimeEqual(signature, expected) && matched == nil {
            matched = signature
        }
        guard let matched else { return .rejected(.badSignature(header: header)) }
        let entry = ReplayCache.Key(timestamp: parsed.timestamp, signature: matched)
        let admitted = replays.admit(entry, expiry: Double(parsed.timestamp) + toleranceSeconds, now: now.timeIntervalSince1970)
        return admitted ? .accepted : .rejected(.replayed)
    }

    /// The rejection for a signed `timestamp` further than the tolerance from `now`, or nil.
    func staleness(of timestamp: Int64, now: Date) -> WebhookRejection? {
        let skew = now.timeIntervalSince1970 - Double(timestamp)
        guard abs(skew) > toleranceSeconds else { return nil }
        let rounded = Int64(exactly: skew.rounded()) ?? (skew > 0 ? Int64.max : Int64.min + 1)
        return .staleTimestamp(skewSeconds: rounded, toleranceSeconds: Int64(toleranceSeconds.rounded(.down)))
    }

    /// HMAC-SHA256 of `prefix` followed by `body`, without copying the body.
    static func mac(key: SymmetricKey, prefix: Data, body: Data) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: prefix)
        hmac.update(data: body)
        return Array(hmac.finalize())
    }
}
