import CairnWebhookTrigger
import Foundation
import Testing

@Suite struct SlackTests {
    let now = TestSigning.now
    let t = TestSigning.nowSeconds
    let body = Data("token=x&team_id=T1&command=%2Fdeploy&text=prod".utf8)

    @Test func acceptsValidSignature() throws {
        let verifier = try TestSigning.verifier(.slack)
        #expect(verifier.verify(headers: TestSigning.slackHeaders(body), body: body, now: now) == .accepted)
        // Repeats are accepted: replay protection is Stripe's only.
        #expect(verifier.verify(headers: TestSigning.slackHeaders(body), body: body, now: now) == .accepted)
    }

    @Test func refusesWrongSecretAndTamperedBody() throws {
        let verifier = try TestSigning.verifier(.slack)
        let wrong = TestSigning.slackHeaders(body, secret: TestSigning.otherSecret)
        #expect(verifier.verify(headers: wrong, body: body, now: now) == .rejected(.badSignature(header: "X-Slack-Signature")))
        let tampered = body + Data("&x=1".utf8)
        #expect(verifier.verify(headers: TestSigning.slackHeaders(body), body: tampered, now: now) == .rejected(.badSignature(header: "X-Slack-Signature")))
        // The signed timestamp cannot be swapped.
        var moved = TestSigning.slackHeaders(body)
        moved[0].value = "\(t - 1)"
        #expect(verifier.verify(headers: moved, body: body, now: now) == .rejected(.badSignature(header: "X-Slack-Signature")))
    }

    @Test func refusesMissingHeaders() throws {
        let verifier = try TestSigning.verifier(.slack)
        let headers = TestSigning.slackHeaders(body)
        #expect(verifier.verify(headers: [headers[1]], body: body, now: now) == .rejected(.missingHeader(name: "X-Slack-Request-Timestamp")))
        #expect(verifier.verify(headers: [headers[0]], body: body, now: now) == .rejected(.missingHeader(name: "X-Slack-Signature")))
    }

    @Test func refusesMalformedHeaders() throws {
        let verifier = try TestSigning.verifier(.slack)
        let headers = TestSigning.slackHeaders(body)
        let hex = String(headers[1].value.dropFirst(3))
        for value in [hex, "v1=" + hex, "v0=" + hex.dropLast(), "v0=" + hex + "0", "v0="] {
            let verdict = verifier.verify(headers: [headers[0], ("X-Slack-Signature", value)], body: body, now: now)
            #expect(verdict.isMalformed("X-Slack-Signature"), "value \(value)")
        }
        for value in ["abc", "\(t).0", "-\(t)", "1e9"] {
            let verdict = verifier.verify(headers: [("X-Slack-Request-Timestamp", value), headers[1]], body: body, now: now)
            #expect(verdict.isMalformed("X-Slack-Request-Timestamp"), "value \(value)")
        }
    }

    @Test func refusesStaleTimestamps() throws {
        let verifier = try TestSigning.verifier(.slack)
        let old = verifier.verify(headers: TestSigning.slackHeaders(body, timestamp: t - 3600), body: body, now: now)
        #expect(old == .rejected(.staleTimestamp(skewSeconds: 3600, toleranceSeconds: 300)))
        let future = verifier.verify(headers: TestSigning.slackHeaders(body, timestamp: t + 301), body: body, now: now)
        #expect(future == .rejected(.staleTimestamp(skewSeconds: -301, toleranceSeconds: 300)))
        #expect(try #require(future.rejection).description.contains("in the future"))
        let edge = verifier.verify(headers: TestSigning.slackHeaders(body, timestamp: t - 300), body: body, now: now)
        #expect(edge == .accepted)
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let verifier = try TestSigning.verifier(.slack)
        let headers = TestSigning.slackHeaders(body).map { (name: $0.name.lowercased(), value: $0.value) }
        #expect(verifier.verify(headers: headers, body: body, now: now) == .accepted)
    }
}
