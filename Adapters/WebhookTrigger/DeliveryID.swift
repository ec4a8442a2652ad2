public import Foundation

/// The identifier a webhook sender gives a delivery and keeps when it retries it: what makes a
/// retried request recognizable as the same fire.
public struct DeliveryID: Sendable, Hashable, CustomStringConvertible {
    /// The identifier, as the sender wrote it (at most 256 characters, no control characters).
    public var value: String
    /// Where it was found, for logs: a header name, or `body.id`, `body.event_id`, `body.update_id`.
    public var source: String

    /// Creates an identifier found in `source`.
    public init(value: String, source: String) {
        self.value = value
        self.source = source
    }

    /// The identifier.
    public var description: String { value }

    /// The headers that generic senders name their deliveries with, in the order they are tried.
    public static let genericHeaders = ["X-Webhook-Id", "Idempotency-Key", "X-Request-Id"]

    /// Finds the delivery identifier of a request.
    ///
    /// With `configuredHeader` (the `delivery_id_header` option) only that header is read. Otherwise
    /// the scheme's own place is tried first: GitHub's `X-GitHub-Delivery` header, the `id` of a
    /// Stripe event body (`evt_...`), the `event_id` of a Slack Events API body, the `update_id` of a
    /// Telegram update; then ``genericHeaders``. Header names are matched without regard to case; a
    /// header given more than once, empty, longer than 256 characters or holding control characters
    /// is passed over, as is a body that is not a JSON object.
    ///
    /// - Returns: the identifier, or nil when the request has none.
    public static func find(
        scheme: WebhookSignatureScheme, configuredHeader: String? = nil, headers: [(name: String, value: String)], body: Data
    ) -> DeliveryID? {
        let lookup = HeaderLookup(fields: headers)
        if let configuredHeader, !configuredHeader.isEmpty { return header(configuredHeader, in: lookup) }
        let own: DeliveryID? =
            switch scheme {
            case .github: header("X-GitHub-Delivery", in: lookup)
            case .stripe: bodyField(\.id, "body.id", body)
            case .slack: bodyField(\.eventID, "body.event_id", body)
            case .telegram: bodyField(\.updateID, "body.update_id", body)
            case .generic, .header, .none: nil
            }
        return own ?? genericHeaders.lazy.compactMap { header($0, in: lookup) }.first
    }

    private static func header(_ name: String, in lookup: HeaderLookup) -> DeliveryID? {
        guard case .single(let value) = lookup.value(name) else { return nil }
        return checked(String(value), source: name)
    }

    private static func bodyField(_ field: KeyPath<Envelope, String?>, _ source: String, _ body: Data) -> DeliveryID? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body), let value = envelope[keyPath: field] else { return nil }
        return checked(value, source: source)
    }

    private static func checked(_ value: String, source: String) -> DeliveryID? {
        guard !value.isEmpty, value.count <= 256, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return nil
        }
        return DeliveryID(value: value, source: source)
    }

    /// The identifying fields of a JSON body; each is nil when absent or of another type.
    private struct Envelope: Decodable {
        var id: String?
        var eventID: String?
        var updateID: String?

        enum CodingKeys: String, CodingKey {
            case id
            case eventID = "event_id"
            case updateID = "update_id"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
            eventID = try? container.decodeIfPresent(String.self, forKey: .eventID)
            updateID = (try? container.decodeIfPresent(Int64.self, forKey: .updateID)).map { String($0) }
        }
    }
}
