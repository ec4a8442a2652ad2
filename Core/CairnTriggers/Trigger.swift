public import CairnCore
public import Foundation

/// A source of fires: a schedule, a webhook, a watched folder, entries elsewhere in the store.
///
/// The ``TriggerService`` runs each trigger's ``run(_:)`` in its own task for as long as the
/// trigger is configured, and hands it a ``TriggerContext`` through which every fire is recorded.
/// Requirements (checked by `CairnTriggerConformance`):
/// - ``run(_:)`` returns or throws `CancellationError` promptly when its task is cancelled, and
///   waits only through ``TriggerContext/clock`` (so tests can drive time).
/// - Fire ids are stable: a fire that would be produced again after a restart, or on another
///   node, has the same id (a schedule's due time, a sender's delivery id).
/// - An error thrown from ``run(_:)`` is recorded as the trigger's last error; the service runs it
///   again after a backoff.
public protocol Trigger: Sendable {
    /// Produces fires through `context` until cancelled.
    /// - Throws: `CancellationError` when cancelled; anything else is recorded and retried.
    func run(_ context: TriggerContext) async throws

    /// For a schedule: when it fires next, given its last fire (nil before the first), when its
    /// fire log was created, and the time now.
    func nextFire(after last: Date?, created: Date, now: Date) -> Date?

    /// For a kind that receives requests (webhooks): what the server mounts, bound to `context`.
    func ingress(_ context: TriggerContext) -> TriggerIngress?
}

extension Trigger {
    /// Not a schedule.
    public func nextFire(after last: Date?, created: Date, now: Date) -> Date? { nil }

    /// Receives no requests.
    public func ingress(_ context: TriggerContext) -> TriggerIngress? { nil }

    /// Waits until cancelled: for kinds that only receive requests.
    public func run(_ context: TriggerContext) async throws {
        while !Task.isCancelled { try await context.clock.sleep(until: .distantFuture) }
        throw CancellationError()
    }
}

/// An HTTP endpoint a trigger serves, transport-neutral: the server that mounts it turns requests
/// into ``IngressRequest`` values and answers with the ``IngressResponse``.
public struct TriggerIngress: Sendable {
    /// The request path it answers (`/hooks/github`); POST only.
    public var path: String
    /// Its own port, if it wants one beside the server's.
    public var port: Int?
    /// The address its own port listens on (nil: the server's).
    public var host: String?
    /// The largest body accepted; larger requests get 413 before the body is read in full.
    public var bodyLimit: Int
    /// Answers one request.
    public var receive: @Sendable (IngressRequest) async -> IngressResponse

    /// Creates an ingress.
    public init(
        path: String, port: Int? = nil, host: String? = nil, bodyLimit: Int, receive: @escaping @Sendable (IngressRequest) async -> IngressResponse
    ) {
        self.path = path
        self.port = port
        self.host = host
        self.bodyLimit = bodyLimit
        self.receive = receive
    }
}

/// A request to a ``TriggerIngress``.
public struct IngressRequest: Sendable {
    /// The header fields, in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The raw body.
    public var body: Data
    /// The peer's IP address as text, if known.
    public var remoteAddress: String?

    /// Creates a request.
    public init(headers: [(name: String, value: String)], body: Data, remoteAddress: String?) {
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// The answer to an ``IngressRequest``.
public struct IngressResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Extra header fields (`Retry-After`).
    public var headers: [(name: String, value: String)]
    /// A JSON body.
    public var body: JSONValue

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: JSONValue) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
