import CairnWebhookTrigger
import Foundation
import Testing

/// `header` and `telegram`: the header's value is the secret.
@Suite struct SharedSecretHeaderTests {
    let now = TestSigning.now
    let body = Data(#"{"update_id":1}"#.utf8)
    let telegramHeader = "X-Telegram-Bot-Api-Secret-Token"

    @Test func telegramAcceptsSecretInDefaultHeader() throws {
        let verifier = try TestSigning.verifier(.telegram)
        #expect(verifier.verify(headers: [(telegramHeader, TestSigning.secret)], body: body, now: now) == .accepted)
        #expect(verifier.verify(headers: [(telegramHeader.lowercased(), TestSigning.secret)], body: body, now: now) == .accepted)
    }

    @Test func refusesWrongPrefixedAndExtendedValues() throws {
        let verifier = try TestSigning.verifier(.telegram)
        for value in [TestSigning.otherSecret, String(TestSigning.secret.dropLast()), TestSigning.secret + "x", TestSigning.secret.uppercased()] {
            #expect(verifier.verify(headers: [(telegramHeader, value)], body: body, now: now) == .rejected(.badSignature(header: telegramHeader)))
        }
    }

    @Test func refusesMissingEmptyAndRepeatedHeader() throws {
        let verifier = try TestSigning.verifier(.telegram)
        #expect(verifier.verify(headers: [], body: body, now: now) == .rejected(.missingHeader(name: telegramHeader)))
        #expect(verifier.verify(headers: [(telegramHeader, "")], body: body, now: now).isMalformed(telegramHeader))
        let twice = [(telegramHeader, TestSigning.secret), (telegramHeader, "other")]
        #expect(verifier.verify(headers: twice, body: body, now: now).isMalformed(telegramHeader))
    }

    @Test func headerSchemeUsesTheConfiguredHeader() throws {
        let verifier = try TestSigning.verifier(.header, header: "X-Gitlab-Token")
        #expect(verifier.verify(headers: [("x-gitlab-token", TestSigning.secret)], body: body, now: now) == .accepted)
        #expect(verifier.verify(headers: [(telegramHeader, TestSigning.secret)], body: body, now: now) == .rejected(.missingHeader(name: "X-Gitlab-Token")))
    }

    @Test func telegramHeaderCanBeRenamed() throws {
        let verifier = try TestSigning.verifier(.telegram, header: "X-Proxy-Token")
        #expect(verifier.verify(headers: [("X-Proxy-Token", TestSigning.secret)], body: body, now: now) == .accepted)
    }

    @Test func rejectionDoesNotEchoTheSecret() throws {
        let verifier = try TestSigning.verifier(.telegram)
        let verdict = verifier.verify(headers: [(telegramHeader, "guess")], body: body, now: now)
        let text = try #require(verdict.rejection).description
        #expect(!text.contains(TestSigning.secret) && !text.contains("guess"))
    }
}
