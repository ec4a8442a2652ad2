import CairnWebhookTrigger
import Foundation
import Testing

@Suite struct DeliveryIDTests {
    let json = Data(#"{"id":"evt_1Nx","event_id":"Ev08MFMKH6","update_id":731245,"type":"x"}"#.utf8)

    @Test func gitHubUsesItsDeliveryHeader() {
        let headers = [(name: "x-github-delivery", value: "72d3162e-cc78-11e3-81ab-4c9367dc0958"), (name: "X-Request-Id", value: "proxy-1")]
        #expect(
            DeliveryID.find(scheme: .github, headers: headers, body: json)
                == DeliveryID(value: "72d3162e-cc78-11e3-81ab-4c9367dc0958", source: "X-GitHub-Delivery"))
    }

    @Test func bodyIdentifiersPerScheme() {
        #expect(DeliveryID.find(scheme: .stripe, headers: [], body: json) == DeliveryID(value: "evt_1Nx", source: "body.id"))
        #expect(DeliveryID.find(scheme: .slack, headers: [], body: json) == DeliveryID(value: "Ev08MFMKH6", source: "body.event_id"))
        #expect(DeliveryID.find(scheme: .telegram, headers: [], body: json) == DeliveryID(value: "731245", source: "body.update_id"))
        #expect(DeliveryID.find(scheme: .generic, headers: [], body: json) == nil)
    }

    @Test func genericHeadersInOrder() {
        let all = [(name: "X-Request-Id", value: "r"), (name: "idempotency-key", value: "k"), (name: "X-WEBHOOK-ID", value: "w")]
        #expect(DeliveryID.find(scheme: .generic, headers: all, body: Data())?.value == "w")
        #expect(DeliveryID.find(scheme: .header, headers: Array(all.prefix(2)), body: Data())?.value == "k")
        #expect(DeliveryID.find(scheme: .none, headers: [all[0]], body: Data()) == DeliveryID(value: "r", source: "X-Request-Id"))
        // A scheme whose own place is empty falls back to the generic headers.
        #expect(DeliveryID.find(scheme: .stripe, headers: [all[1]], body: Data("[1]".utf8))?.value == "k")
    }

    @Test func configuredHeaderIsTheOnlyOneRead() {
        let headers = [(name: "X-Webhook-Id", value: "w"), (name: "X-Gitlab-Event-UUID", value: "uuid-1")]
        #expect(DeliveryID.find(scheme: .github, configuredHeader: "x-gitlab-event-uuid", headers: headers, body: json)?.value == "uuid-1")
        #expect(DeliveryID.find(scheme: .generic, configuredHeader: "X-Missing", headers: headers, body: json) == nil)
    }

    @Test func unusableValuesArePassedOver() {
        let long = String(repeating: "a", count: 257)
        for value in ["", long, "line\nbreak", "nul\u{0}"] {
            #expect(DeliveryID.find(scheme: .generic, headers: [(name: "X-Webhook-Id", value: value)], body: Data()) == nil, "\(value.prefix(10))")
        }
        let twice = [(name: "X-Webhook-Id", value: "a"), (name: "X-Webhook-Id", value: "b")]
        #expect(DeliveryID.find(scheme: .generic, headers: twice, body: Data()) == nil)
        for body in [#"{"id":42}"#, #"{"event_id":null}"#, "not json", #"["evt_1"]"#, #"{"update_id":"5"}"#, #"{"update_id":1.5}"#] {
            for scheme in [WebhookSignatureScheme.stripe, .slack, .telegram] {
                #expect(DeliveryID.find(scheme: scheme, headers: [], body: Data(body.utf8)) == nil, "\(scheme) \(body)")
            }
        }
        #expect(DeliveryID.find(scheme: .generic, headers: [(name: "X-Webhook-Id", value: String(repeating: "a", count: 256))], body: Data()) != nil)
    }
}
