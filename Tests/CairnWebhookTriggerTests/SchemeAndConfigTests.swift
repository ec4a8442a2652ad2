import CairnTriggers
import CairnWebhookTrigger
import Foundation
import Testing

@Suite struct SchemeAndConfigTests {
    @Test(arguments: [
        ("generic", WebhookSignatureScheme.generic), ("GitHub", .github), (" stripe ", .stripe), ("slack", .slack),
        ("header", .header), ("Telegram", .telegram), ("none", .none),
    ])
    func parsesKnownNames(name: String, scheme: WebhookSignatureScheme) throws {
        #expect(try WebhookSignatureScheme(configName: name) == scheme)
    }

    @Test func refusesUnknownNameListingKnownOnes() {
        #expect {
            try WebhookSignatureScheme(configName: "hmac")
        } throws: { error in
            guard let error = error as? WebhookConfigError else { return false }
            return error.field == "signature_scheme" && error.value == "hmac"
                && error.message.contains("generic, github, stripe, slack, header, telegram, none")
        }
    }

    @Test(arguments: [WebhookSignatureScheme.generic, .github, .stripe, .slack, .header, .telegram])
    func refusesMissingSecret(scheme: WebhookSignatureScheme) {
        for secret in [nil, ""] as [String?] {
            #expect(throws: WebhookConfigError.self) {
                try WebhookVerifier(scheme: scheme, secret: secret, header: scheme == .header ? "X-Token" : nil)
            }
        }
        do throws(WebhookConfigError) {
            _ = try WebhookVerifier(scheme: scheme, secret: nil, header: scheme == .header ? "X-Token" : nil)
        } catch {
            #expect(error.field == "hmac_secret")
            #expect(error.message.contains("'\(scheme)'"))
        }
    }

    @Test func noneAcceptsEverythingWithoutSecret() throws {
        let verifier = try WebhookVerifier(scheme: .none, secret: nil)
        #expect(verifier.verify(headers: [], body: Data("x".utf8), now: TestSigning.now) == .accepted)
        #expect(verifier.headerName == nil)
    }

    @Test func noneRefusesASecretWithoutShowingIt() {
        do throws(WebhookConfigError) {
            _ = try WebhookVerifier(scheme: .none, secret: "s3cr3t-value")
            Issue.record("a secret with 'none' was accepted")
        } catch {
            #expect(error.field == "hmac_secret")
            #expect(error.value == "<redacted>")
            #expect(!error.description.contains("s3cr3t-value"))
        }
    }

    @Test func refusesSecretWithSurroundingWhitespace() {
        do throws(WebhookConfigError) {
            _ = try WebhookVerifier(scheme: .github, secret: "abc123\n")
            Issue.record("a secret ending in a newline was accepted")
        } catch {
            #expect(error.field == "hmac_secret")
            #expect(!error.description.contains("abc123"))
        }
    }

    @Test func headerSchemeNeedsAHeaderName() {
        #expect {
            try WebhookVerifier(scheme: .header, secret: "token")
        } throws: { ($0 as? WebhookConfigError)?.field == "signature_header" }
    }

    @Test(arguments: [WebhookSignatureScheme.stripe, .slack, .none])
    func fixedHeaderSchemesRefuseOverride(scheme: WebhookSignatureScheme) {
        #expect {
            try WebhookVerifier(scheme: scheme, secret: scheme == .none ? nil : "token", header: "X-Custom")
        } throws: { ($0 as? WebhookConfigError).map { $0.field == "signature_header" && $0.value == "X-Custom" } ?? false }
    }

    @Test(arguments: ["X Bad", "X-Bad:", "Ünicode", "a\nb"])
    func refusesInvalidHeaderNames(name: String) {
        #expect {
            try WebhookVerifier(scheme: .generic, secret: "token", header: name)
        } throws: { ($0 as? WebhookConfigError)?.field == "signature_header" }
    }

    @Test(arguments: [Duration.zero, .seconds(-5), .seconds(86_401)])
    func refusesBadTolerance(tolerance: Duration) {
        #expect {
            try WebhookVerifier(scheme: .stripe, secret: "token", tolerance: tolerance)
        } throws: { ($0 as? WebhookConfigError)?.field == "signature_tolerance" }
    }

    @Test func headerNamesResolve() throws {
        #expect(try TestSigning.verifier(.generic).headerName == "X-Webhook-Signature")
        #expect(try TestSigning.verifier(.github).headerName == "X-Hub-Signature-256")
        #expect(try TestSigning.verifier(.telegram).headerName == "X-Telegram-Bot-Api-Secret-Token")
        #expect(try TestSigning.verifier(.github, header: "X-Signature").headerName == "X-Signature")
        #expect(try TestSigning.verifier(.stripe).tolerance == .seconds(300))
    }

    @Test func errorDescriptionNamesFieldAndValue() {
        let error = WebhookConfigError(field: "signature_scheme", value: "hmac", message: "unknown")
        #expect(error.description == #"signature_scheme "hmac": unknown"#)
        #expect(WebhookConfigError(field: "secret", value: "", message: "set it").description == "secret: set it")
    }
}
