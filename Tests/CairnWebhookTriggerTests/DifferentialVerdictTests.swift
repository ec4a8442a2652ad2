import CairnWebhookTrigger
import Foundation
import Testing

/// The same requests judged by the senders' own Python verifiers and by ``WebhookVerifier``:
/// the verdicts must agree.
@Suite(.enabled(if: PythonPeer.available("stripe", "slack_sdk"), "pip install stripe slack_sdk to compare verdicts with the senders' SDKs"))
struct DifferentialVerdictTests {
    struct Case: Encodable {
        var label: String
        var body: String
        var signature: String
        var timestamp: String?
    }

    struct Input: Encodable {
        var secret: String
        var now: Int64
        var cases: [Case]
    }

    static let script = #"""
        import json, sys, types
        import stripe, stripe._webhook as stripe_webhook
        from slack_sdk.signature import Clock, SignatureVerifier
        data = json.load(open(sys.argv[1]))
        stripe_webhook.time = types.SimpleNamespace(time=lambda: data["now"])
        class Fixed(Clock):
            def now(self):
                return data["now"]
        slack = SignatureVerifier(data["secret"], clock=Fixed())
        out = []
        for case in data["cases"]:
            if case.get("timestamp") is None:
                try:
                    stripe.WebhookSignature.verify_header(case["body"], case["signature"], data["secret"], tolerance=300)
                    out.append(True)
                except stripe.SignatureVerificationError:
                    out.append(False)
            else:
                try:
                    out.append(slack.is_valid(case["body"], case["timestamp"], case["signature"]))
                except ValueError:
                    out.append(False)
        print(json.dumps(out))
        """#

    @Test func stripeAndSlackVerdictsAgree() throws {
        let t = TestSigning.nowSeconds
        let body = #"{"id":"evt_9","data":{"object":{"amount":1200}}}"#
        let bytes = Data(body.utf8)
        let v1 = TestSigning.stripeV1(bytes)
        let wrong = TestSigning.stripeV1(bytes, secret: TestSigning.otherSecret)
        let stripeCases: [(String, String, String)] = [
            ("valid", body, "t=\(t),v1=\(v1)"), ("tampered", body + " ", "t=\(t),v1=\(v1)"), ("wrong secret", body, "t=\(t),v1=\(wrong)"),
            ("second v1", body, "t=\(t),v1=\(wrong),v1=\(v1)"), ("v0 beside", body, "t=\(t),v0=\(wrong),v1=\(v1)"), ("v0 only", body, "t=\(t),v0=\(v1)"),
            ("no t", body, "v1=\(v1)"), ("stale", body, TestSigning.stripeHeader(bytes, timestamp: t - 400)),
            ("recent", body, TestSigning.stripeHeader(bytes, timestamp: t - 250)), ("other t", body, "t=\(t - 1),v1=\(v1)"),
            ("empty body", "", TestSigning.stripeHeader(Data())), ("unicode", "ü✓", TestSigning.stripeHeader(Data("ü✓".utf8))),
            ("short v1", body, "t=\(t),v1=\(v1.dropLast(2))"), ("empty", body, ""), ("zero-padded t", body, "t=00\(t),v1=\(v1)"),
        ]
        func slack(
            _ label: String, _ text: String, timestamp: Int64, signedBody: String? = nil, secret: String = TestSigning.secret,
            mangle: (String) -> String = { $0 }
        )
            -> Case
        {
            let headers = TestSigning.slackHeaders(Data((signedBody ?? text).utf8), timestamp: timestamp, secret: secret)
            return Case(label: "slack " + label, body: text, signature: mangle(headers[1].value), timestamp: headers[0].value)
        }
        let slackCases = [
            slack("valid", body, timestamp: t), slack("tampered", body + "x", timestamp: t, signedBody: body),
            slack("wrong secret", body, timestamp: t, secret: TestSigning.otherSecret), slack("stale", body, timestamp: t - 301),
            slack("future", body, timestamp: t + 301), slack("edge", body, timestamp: t - 300),
            slack("no prefix", body, timestamp: t) { String($0.dropFirst(3)) },
            slack("empty body", "", timestamp: t),
        ]
        let cases = stripeCases.map { Case(label: "stripe " + $0.0, body: $0.1, signature: $0.2, timestamp: nil) } + slackCases
        let python: [Bool] = try PythonPeer.run(Self.script, input: Input(secret: TestSigning.secret, now: t, cases: cases))
        try #require(python.count == cases.count)
        for (entry, expected) in zip(cases, python) {
            let verdict: WebhookVerdict
            if let timestamp = entry.timestamp {
                let headers = [(name: "X-Slack-Request-Timestamp", value: timestamp), (name: "X-Slack-Signature", value: entry.signature)]
                verdict = try TestSigning.verifier(.slack).verify(headers: headers, body: Data(entry.body.utf8), now: TestSigning.now)
            } else {
                verdict = try TestSigning.verifier(.stripe).verify(
                    headers: [("Stripe-Signature", entry.signature)], body: Data(entry.body.utf8), now: TestSigning.now)
            }
            #expect(verdict.isAccepted == expected, "\(entry.label): Python says \(expected), verifier says \(verdict)")
        }
        // The matrix exercises both outcomes on both sides.
        #expect(python.contains(true) && python.contains(false))
    }
}
