import Foundation
import Testing

@testable import CairnWebhookTrigger

@Suite struct StripeTests {
    let now = TestSigning.now
    let t = TestSigning.nowSeconds
    let body = TestSigning.body
    let header = "Stripe-Signature"

    func verify(_ verifier: WebhookVerifier, _ value: String, body: Data? = nil, at now: Date? = nil) -> WebhookVerdict {
        verifier.verify(headers: [(header, value)], body: body ?? self.body, now: now ?? self.now)
    }

    @Test func acceptsValidSignature() throws {
        #expect(verify(try TestSigning.verifier(.stripe), TestSigning.stripeHeader()) == .accepted)
    }

    @Test func refusesWrongSecretAndTamperedBody() throws {
        let verifier = try TestSigning.verifier(.stripe)
        #expect(verify(verifier, TestSigning.stripeHeader(secret: TestSigning.otherSecret)) == .rejected(.badSignature(header: header)))
        #expect(verify(verifier, TestSigning.stripeHeader(), body: Data(#"{"id":"evt_2"}"#.utf8)) == .rejected(.badSignature(header: header)))
        // The timestamp is signed too: the same v1 under another t does not verify.
        let v1 = TestSigning.stripeV1()
        #expect(verify(verifier, "t=\(t - 1),v1=\(v1)") == .rejected(.badSignature(header: header)))
    }

    @Test func refusesMissingHeader() throws {
        let verdict = try TestSigning.verifier(.stripe).verify(headers: [("X-Other", "1")], body: body, now: now)
        #expect(verdict == .rejected(.missingHeader(name: header)))
    }

    @Test func refusesMalformedHeaders() throws {
        let verifier = try TestSigning.verifier(.stripe)
        let v1 = TestSigning.stripeV1()
        let malformed = [
            "v1=\(v1)", "t=\(t)", "t=\(t),v0=\(v1)", "t=\(t),t=\(t),v1=\(v1)", "t=abc,v1=\(v1)", "t=-5,v1=\(v1)", "t=\(t).5,v1=\(v1)",
            "t=\(t),v1=\(v1.dropLast(2))", "t=\(t),v1=zz\(v1.dropFirst(2))", "t=\(t);v1=\(v1)", "garbage",
            "t=\(t)," + Array(repeating: "v1=\(v1)", count: 17).joined(separator: ","),
            "t=\(t),v1=\(v1)," + String(repeating: "x", count: 5000),
        ]
        for value in malformed {
            #expect(verify(verifier, value).isMalformed(header), "value \(value.prefix(80))")
        }
    }

    @Test func acceptsAnyMatchingV1AndIgnoresOtherSchemes() throws {
        let v1 = TestSigning.stripeV1()
        let wrong = TestSigning.stripeV1(secret: TestSigning.otherSecret)
        #expect(verify(try TestSigning.verifier(.stripe), "t=\(t),v1=\(wrong),v1=\(v1)") == .accepted)
        #expect(verify(try TestSigning.verifier(.stripe), "t=\(t),v1=\(v1),v1=\(wrong)") == .accepted)
        #expect(verify(try TestSigning.verifier(.stripe), "v1=\(v1), t=\(t), v0=\(wrong), v2=future") == .accepted)
        #expect(verify(try TestSigning.verifier(.stripe), "t=\(t),v1=\(wrong),v1=\(wrong)") == .rejected(.badSignature(header: header)))
    }

    @Test func refusesStaleTimestampsBothWays() throws {
        let verifier = try TestSigning.verifier(.stripe)
        let old = verify(verifier, TestSigning.stripeHeader(timestamp: t - 301))
        #expect(old == .rejected(.staleTimestamp(skewSeconds: 301, toleranceSeconds: 300)))
        let future = verify(verifier, TestSigning.stripeHeader(timestamp: t + 400))
        #expect(future == .rejected(.staleTimestamp(skewSeconds: -400, toleranceSeconds: 300)))
        #expect(verify(verifier, TestSigning.stripeHeader(timestamp: t - 300)) == .accepted)
        #expect(verify(verifier, TestSigning.stripeHeader(timestamp: t + 300)) == .accepted)
        #expect(try #require(old.rejection).description.contains("301 s old"))
    }

    @Test func toleranceIsConfigurable() throws {
        let strict = try TestSigning.verifier(.stripe, tolerance: .seconds(60))
        #expect(verify(strict, TestSigning.stripeHeader(timestamp: t - 61)) == .rejected(.staleTimestamp(skewSeconds: 61, toleranceSeconds: 60)))
        let lax = try TestSigning.verifier(.stripe, tolerance: .seconds(900))
        #expect(verify(lax, TestSigning.stripeHeader(timestamp: t - 850)) == .accepted)
    }

    @Test func refusesReplayWithinWindowThenStale() throws {
        let verifier = try TestSigning.verifier(.stripe)
        let signed = TestSigning.stripeHeader()
        #expect(verify(verifier, signed) == .accepted)
        #expect(verify(verifier, signed, at: now.addingTimeInterval(10)) == .rejected(.replayed))
        // A re-ordered header with the same t and signature is the same request.
        #expect(verify(verifier, "v1=\(TestSigning.stripeV1()),t=\(t)", at: now.addingTimeInterval(20)) == .rejected(.replayed))
        #expect(verify(verifier, signed, at: now.addingTimeInterval(301)).rejection == .staleTimestamp(skewSeconds: 301, toleranceSeconds: 300))
        // A fresh signature (a sender's retry has a new t) is accepted.
        #expect(verify(verifier, TestSigning.stripeHeader(timestamp: t + 5), at: now.addingTimeInterval(10)) == .accepted)
    }

    @Test func badSignaturesDoNotFillTheReplayCache() throws {
        let verifier = try TestSigning.verifier(.stripe)
        for offset in 0..<5 { _ = verify(verifier, TestSigning.stripeHeader(timestamp: t - Int64(offset), secret: TestSigning.otherSecret)) }
        #expect(verifier.replays.count == 0)
    }

    @Test func replayCacheStaysBounded() throws {
        let verifier = try WebhookVerifier(scheme: .stripe, secret: TestSigning.secret, replayCapacity: 3)
        for offset in 0..<10 {
            let timestamp = t - Int64(offset)
            #expect(verify(verifier, TestSigning.stripeHeader(timestamp: timestamp)) == .accepted)
            #expect(verifier.replays.count <= 3)
        }
        // The most recent ones are still remembered.
        #expect(verify(verifier, TestSigning.stripeHeader(timestamp: t - 9)) == .rejected(.replayed))
    }

    @Test func replayCacheExpiresEntries() {
        let cache = ReplayCache(capacity: 10, sweepInterval: 1)
        let key = ReplayCache.Key(timestamp: 100, signature: [1, 2, 3])
        #expect(cache.admit(key, expiry: 400, now: 100))
        #expect(!cache.admit(key, expiry: 400, now: 399))
        #expect(cache.admit(ReplayCache.Key(timestamp: 500, signature: [4]), expiry: 800, now: 500))
        #expect(cache.count == 1)
        #expect(cache.admit(key, expiry: 400, now: 401))
    }

    @Test func concurrentReplaysAcceptExactlyOne() async throws {
        let verifier = try TestSigning.verifier(.stripe)
        let signed = TestSigning.stripeHeader()
        let (headers, body, now) = ([(name: header, value: signed)], body, now)
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { verifier.verify(headers: headers, body: body, now: now) == .accepted } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }

    @Test func headerNameIsCaseInsensitive() throws {
        let verdict = try TestSigning.verifier(.stripe).verify(headers: [("stripe-signature", TestSigning.stripeHeader())], body: body, now: now)
        #expect(verdict == .accepted)
    }
}
