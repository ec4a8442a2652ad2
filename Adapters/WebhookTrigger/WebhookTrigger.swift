public import CairnCore
public import CairnTriggers
import Foundation
import Logging

/// The `webhook` trigger kind: an HTTP endpoint that records each accepted POST as a fire whose
/// payload is the raw body.
///
/// Options (promptise's names): `webhook_path` (default `/hooks/NAME`), `webhook_port` and
/// `webhook_host` (its own listener; configured triggers only), `hmac_secret` or
/// `hmac_secret_env`, `signature_scheme` (`generic`, `github`, `stripe`, `slack`, `header`,
/// `telegram`, `none`; default `generic` with a secret, `none` without), `signature_header`,
/// `signature_tolerance` (seconds, default 300), `allowed_sources` (CIDRs), `webhook_max_body_bytes`
/// (default 1 MiB), `delivery_id_header`.
///
/// Answers: 202 `{status: "accepted", event_id, session}` once the fire is durable (also for a
/// retried delivery id, with `duplicate: true`); 200 `{status: "ignored"}` when the filter refuses
/// it; 401 for a missing or wrong signature, a stale or replayed timestamp; 403 for a source outside
/// the allowlist; 413 beyond the size limit; 503 with `Retry-After` when the fire cannot be recorded.
/// A refused request records nothing.
public struct WebhookTrigger: Trigger {
    /// The keys it takes.
    public static let keys: Set<String> = [
        "webhook_path", "webhook_port", "webhook_host", "hmac_secret", "hmac_secret_env", "signature_scheme", "signature_header",
        "signature_tolerance", "allowed_sources", "webhook_max_body_bytes", "delivery_id_header",
    ]

    let path: String
    let port: Int?
    let host: String?
    let verifier: WebhookVerifier
    let sources: SourceAllowlist
    let bodyLimit: Int
    let deliveryHeader: String?

    /// Reads the options of `configuration`.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and the value.
    public init(_ configuration: TriggerConfiguration) throws {
        let options = configuration.options
        try options.allowing(Self.keys)
        let path = try options.string("webhook_path") ?? "/hooks/\(configuration.definition.name)"
        guard path.hasPrefix("/"), !path.hasPrefix("/v1/"), path != "/v1", !path.contains("?"), !path.contains("#") else {
            throw options.invalid("webhook_path must be a path starting with '/', outside /v1, without '?' or '#', not '\(path.prefix(80))'")
        }
        var secret = try options.string("hmac_secret")
        if let name = try options.string("hmac_secret_env") {
            guard secret == nil else { throw options.invalid("give hmac_secret or hmac_secret_env, not both") }
            guard let value = options.environment[name], !value.isEmpty else {
                throw options.invalid("hmac_secret_env names \(name), which is not set or empty in the environment")
            }
            secret = value
        }
        let tolerance = try options.number("signature_tolerance", in: 1...86_400) ?? 300
        do {
            let scheme = try WebhookSignatureScheme(configName: try options.string("signature_scheme") ?? (secret == nil ? "none" : "generic"))
            verifier = try WebhookVerifier(
                scheme: scheme, secret: secret, header: try options.string("signature_header"), tolerance: .milliseconds(Int(tolerance * 1000)))
            sources = try SourceAllowlist(try options.strings("allowed_sources") ?? [])
        } catch let error as WebhookConfigError {
            throw options.invalid(error.description)
        }
        self.path = path
        port = try options.integer("webhook_port", in: 1...65535)
        host = try options.string("webhook_host")
        bodyLimit = try options.integer("webhook_max_body_bytes", in: 1...(1 << 30)) ?? (1 << 20)
        deliveryHeader = try options.string("delivery_id_header")
    }

    public func ingress(_ context: TriggerContext) -> TriggerIngress? {
        TriggerIngress(path: path, port: port, host: host, bodyLimit: bodyLimit) { request in await receive(request, context: context) }
    }

    /// Checks, records and answers one request.
    func receive(_ request: IngressRequest, context: TriggerContext) async -> IngressResponse {
        if !sources.isEmpty, !sources.allows(request.remoteAddress ?? "") {
            return IngressResponse(status: 403, body: .object(["error": .string("this source address is not allowed to post to this webhook")]))
        }
        if case .rejected(let reason) = verifier.verify(headers: request.headers, body: request.body, now: context.clock.now()) {
            context.logger.notice("webhook request refused", metadata: ["trigger": "\(context.name)", "reason": "\(reason)"])
            return IngressResponse(status: 401, body: .object(["error": .string("\(reason)")]))
        }
        let delivery = DeliveryID.find(scheme: verifier.scheme, configuredHeader: deliveryHeader, headers: request.headers, body: request.body)
        var metadata: [String: String] = [:]
        if let delivery { metadata["delivery"] = delivery.value }
        if let event = request.header("X-GitHub-Event") { metadata["github-event"] = event }
        let fire = TriggerFire(
            id: delivery.map { "delivery-\($0.value)" } ?? "webhook-\(UUID().uuidString.lowercased())", time: context.clock.now(),
            payload: request.body, contentType: request.header("Content-Type") ?? ContentTypes.bytes, metadata: metadata)
        do {
            switch try await context.fire(fire) {
            case .recorded(let receipt):
                return IngressResponse(
                    status: 202,
                    body: .object(["status": .string("accepted"), "event_id": .string(receipt.fireID), "session": .string(receipt.session.rawValue)]))
            case .duplicate(let receipt):
                return IngressResponse(
                    status: 202,
                    body: .object([
                        "status": .string("accepted"), "event_id": .string(receipt.fireID), "session": .string(receipt.session.rawValue),
                        "duplicate": .bool(true),
                    ]))
            case .filtered:
                return IngressResponse(status: 200, body: .object(["status": .string("ignored")]))
            }
        } catch {
            await context.report(error)
            return IngressResponse(
                status: 503, headers: [("Retry-After", "30")],
                body: .object(["error": .string("the fire could not be recorded; retry later")]))
        }
    }

    /// Registers the kind as `webhook`.
    public static func register(in components: inout Components) {
        components.register(.trigger, "webhook", summary: "records signed HTTP POSTs (GitHub, Stripe, Slack, HMAC, shared secret)") { configuration in
            try WebhookTrigger(configuration)
        }
    }
}
