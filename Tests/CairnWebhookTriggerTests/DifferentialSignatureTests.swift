import CairnWebhookTrigger
import Foundation
import Testing

/// Signatures made by Python's standard library and by the senders' own Python SDKs, verified here.
@Suite(.enabled(if: PythonPeer.available(), "python3 is not on PATH: install it to run the differential tests"))
struct DifferentialSignatureTests {
    static let bodies: [Data] = [
        Data(), Data(#"{"id":"evt_1","object":"event"}"#.utf8), Data("héllo wörld ✓ 日本".utf8), Data("a=1&b=%20x\r\n".utf8),
        Data(String(repeating: #"{"k":"v"},"#, count: 2000).utf8),
    ]
    static let binary = Data([0x00, 0xFF, 0xFE, 0x80, 0x0A, 0x7F])

    struct SignInput: Encodable {
        var secret: String
        var timestamp: Int64
        var bodies: [Data]
    }

    struct Signed: Decodable {
        var generic: String
        var stripe: String
        var slack: String
        var stripeSDK: String?
        var slackSDK: String?
    }

    static let signScript = #"""
        import base64, hashlib, hmac, json, sys
        data = json.load(open(sys.argv[1]))
        secret = data["secret"].encode("utf-8")
        t = str(data["timestamp"])
        try:
            import stripe
        except ImportError:
            stripe = None
        try:
            from slack_sdk.signature import SignatureVerifier
        except ImportError:
            SignatureVerifier = None
        out = []
        for encoded in data["bodies"]:
            body = base64.b64decode(encoded)
            mac = lambda message: hmac.new(secret, message, hashlib.sha256).hexdigest()
            entry = {
                "generic": "sha256=" + mac(body),
                "stripe": "t=%s,v1=%s" % (t, mac(t.encode() + b"." + body)),
                "slack": "v0=" + mac(b"v0:" + t.encode() + b":" + body),
            }
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if stripe is not None and text is not None:
                entry["stripeSDK"] = stripe.WebhookSignature.generate_signature_header(text, data["secret"], timestamp=int(t))
            if SignatureVerifier is not None and text is not None:
                entry["slackSDK"] = SignatureVerifier(data["secret"]).generate_signature(timestamp=t, body=body)
            out.append(entry)
        print(json.dumps(out))
        """#

    @Test func verifiesPythonStandardLibrarySignatures() throws {
        let bodies = Self.bodies + [Self.binary]
        let signed: [Signed] = try PythonPeer.run(
            Self.signScript, input: SignInput(secret: TestSigning.secret, timestamp: TestSigning.nowSeconds, bodies: bodies))
        try #require(signed.count == bodies.count)
        let now = TestSigning.now
        for (body, entry) in zip(bodies, signed) {
            let generic = try TestSigning.verifier(.generic)
            let github = try TestSigning.verifier(.github)
            let slackHeaders = [(name: "X-Slack-Request-Timestamp", value: "\(TestSigning.nowSeconds)"), (name: "X-Slack-Signature", value: entry.slack)]
            #expect(generic.verify(headers: [("X-Webhook-Signature", entry.generic)], body: body, now: now) == .accepted)
            #expect(github.verify(headers: [("X-Hub-Signature-256", entry.generic)], body: body, now: now) == .accepted)
            #expect(try TestSigning.verifier(.stripe).verify(headers: [("Stripe-Signature", entry.stripe)], body: body, now: now) == .accepted)
            #expect(try TestSigning.verifier(.slack).verify(headers: slackHeaders, body: body, now: now) == .accepted)
            // The same signatures under another secret are refused.
            let other = try WebhookVerifier(scheme: .github, secret: TestSigning.otherSecret)
            #expect(
                other.verify(headers: [("X-Hub-Signature-256", entry.generic)], body: body, now: now).rejection == .badSignature(header: "X-Hub-Signature-256"))
        }
    }

    @Test(.enabled(if: PythonPeer.available("stripe", "slack_sdk"), "pip install stripe slack_sdk to compare with the senders' SDKs"))
    func verifiesSignaturesFromTheSendersSDKs() throws {
        let signed: [Signed] = try PythonPeer.run(
            Self.signScript, input: SignInput(secret: TestSigning.secret, timestamp: TestSigning.nowSeconds, bodies: Self.bodies))
        for (body, entry) in zip(Self.bodies, signed) {
            let stripeHeader = try #require(entry.stripeSDK)
            let slackSignature = try #require(entry.slackSDK)
            #expect(stripeHeader == entry.stripe && slackSignature == entry.slack)
            let stripe = try TestSigning.verifier(.stripe)
            #expect(stripe.verify(headers: [("Stripe-Signature", stripeHeader)], body: body, now: TestSigning.now) == .accepted)
            let slackHeaders = [(name: "X-Slack-Request-Timestamp", value: "\(TestSigning.nowSeconds)"), (name: "X-Slack-Signature", value: slackSignature)]
            #expect(try TestSigning.verifier(.slack).verify(headers: slackHeaders, body: body, now: TestSigning.now) == .accepted)
        }
    }
}
