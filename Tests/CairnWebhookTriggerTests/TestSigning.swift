import CairnWebhookTrigger
import Crypto
import Foundation

/// Signatures computed the way each sender documents them, for building test requests.
enum TestSigning {
    static let secret = "whsec_test_secret_123"
    static let otherSecret = "whsec_wrong_secret_456"
    /// 2024-05-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_714_521_600)
    static var nowSeconds: Int64 { Int64(now.timeIntervalSince1970) }
    static let body = Data(#"{"id":"evt_1","type":"ping","text":"héllo"}"#.utf8)

    static func hmacHex(_ message: Data, secret: String = secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    static func bodySignature(_ body: Data = body, secret: String = secret) -> String {
        "sha256=" + hmacHex(body, secret: secret)
    }

    static func stripeV1(_ body: Data = body, timestamp: Int64 = nowSeconds, secret: String = secret) -> String {
        hmacHex(Data("\(timestamp).".utf8) + body, secret: secret)
    }

    static func stripeHeader(_ body: Data = body, timestamp: Int64 = nowSeconds, secret: String = secret) -> String {
        "t=\(timestamp),v1=\(stripeV1(body, timestamp: timestamp, secret: secret))"
    }

    static func slackHeaders(_ body: Data = body, timestamp: Int64 = nowSeconds, secret: String = secret) -> [(name: String, value: String)] {
        let signature = "v0=" + hmacHex(Data("v0:\(timestamp):".utf8) + body, secret: secret)
        return [(name: "X-Slack-Request-Timestamp", value: "\(timestamp)"), (name: "X-Slack-Signature", value: signature)]
    }

    static func verifier(_ scheme: WebhookSignatureScheme, header: String? = nil, tolerance: Duration = .seconds(300)) throws -> WebhookVerifier {
        try WebhookVerifier(scheme: scheme, secret: secret, header: header, tolerance: tolerance)
    }
}

extension WebhookVerdict {
    /// The rejection, or nil when accepted.
    var rejection: WebhookRejection? {
        if case .rejected(let reason) = self { return reason }
        return nil
    }

    /// Whether the rejection is a malformed-header one for `name`.
    func isMalformed(_ name: String) -> Bool {
        if case .malformedHeader(let header, _)? = rejection { return header == name }
        return false
    }
}
