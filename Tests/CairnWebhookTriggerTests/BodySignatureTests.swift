import CairnWebhookTrigger
import Foundation
import Testing

/// `generic` and `github`: `sha256=<hex>` of the raw body.
@Suite struct BodySignatureTests {
    static let schemes: [(WebhookSignatureScheme, String)] = [(.generic, "X-Webhook-Signature"), (.github, "X-Hub-Signature-256")]
    let now = TestSigning.now
    let body = TestSigning.body

    @Test(arguments: schemes)
    func acceptsValidSignature(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        #expect(verifier.verify(headers: [(header, TestSigning.bodySignature())], body: body, now: now) == .accepted)
    }

    @Test(arguments: schemes)
    func refusesWrongSecret(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        let signed = TestSigning.bodySignature(secret: TestSigning.otherSecret)
        #expect(verifier.verify(headers: [(header, signed)], body: body, now: now) == .rejected(.badSignature(header: header)))
    }

    @Test(arguments: schemes)
    func refusesTamperedBody(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        var tampered = body
        tampered[tampered.startIndex] ^= 0x01
        #expect(verifier.verify(headers: [(header, TestSigning.bodySignature())], body: tampered, now: now) == .rejected(.badSignature(header: header)))
        #expect(verifier.verify(headers: [(header, TestSigning.bodySignature())], body: body + Data(" ".utf8), now: now).rejection != nil)
    }

    @Test(arguments: schemes)
    func refusesMissingHeader(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        let verdict = verifier.verify(headers: [("Content-Type", "application/json")], body: body, now: now)
        #expect(verdict == .rejected(.missingHeader(name: header)))
    }

    @Test(arguments: schemes)
    func refusesMalformedHeaders(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        let hex = String(TestSigning.bodySignature().dropFirst("sha256=".count))
        for value in [hex, "sha1=" + hex, "sha256=", "sha256=" + hex.dropLast(2), "sha256=" + hex + "00", "sha256=" + hex.dropLast() + "g", ""] {
            #expect(verifier.verify(headers: [(header, value)], body: body, now: now).isMalformed(header), "value \(value)")
        }
        let twice = [(header, TestSigning.bodySignature()), (header, TestSigning.bodySignature())]
        #expect(verifier.verify(headers: twice, body: body, now: now).isMalformed(header))
    }

    @Test(arguments: schemes)
    func matchesHeaderNamesWithoutCaseAndAcceptsUppercaseHex(scheme: WebhookSignatureScheme, header: String) throws {
        let verifier = try TestSigning.verifier(scheme)
        let hex = String(TestSigning.bodySignature().dropFirst("sha256=".count))
        for name in [header.lowercased(), header.uppercased()] {
            #expect(verifier.verify(headers: [(name, TestSigning.bodySignature())], body: body, now: now) == .accepted)
        }
        #expect(verifier.verify(headers: [(header, "SHA256=" + hex.uppercased())], body: body, now: now) == .accepted)
        #expect(verifier.verify(headers: [(header, "  sha256=\(hex) ")], body: body, now: now) == .accepted)
    }

    @Test func signatureHeaderOverrideRenamesTheHeader() throws {
        let verifier = try TestSigning.verifier(.generic, header: "X-Signature")
        #expect(verifier.verify(headers: [("x-signature", TestSigning.bodySignature())], body: body, now: now) == .accepted)
        let atDefault = verifier.verify(headers: [("X-Webhook-Signature", TestSigning.bodySignature())], body: body, now: now)
        #expect(atDefault == .rejected(.missingHeader(name: "X-Signature")))
    }

    @Test func acceptsEmptyBody() throws {
        let verifier = try TestSigning.verifier(.github)
        #expect(verifier.verify(headers: [("X-Hub-Signature-256", TestSigning.bodySignature(Data()))], body: Data(), now: now) == .accepted)
    }

    @Test func rejectionTextsNeverCarryTheSecretOrExpectedSignature() throws {
        let verifier = try TestSigning.verifier(.github)
        let expected = String(TestSigning.bodySignature().dropFirst("sha256=".count))
        let bad = verifier.verify(headers: [("X-Hub-Signature-256", TestSigning.bodySignature(secret: "nope"))], body: body, now: now)
        let text = try #require(bad.rejection).description
        #expect(!text.contains(TestSigning.secret))
        #expect(!text.contains(expected))
        #expect(text.contains("X-Hub-Signature-256"))
    }
}
