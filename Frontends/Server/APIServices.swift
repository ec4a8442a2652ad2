public import CairnCore
public import CairnTriggers
import Foundation
public import Hummingbird
public import Logging
import NIOCore
import Synchronization

/// What route handlers work with: the store, the session operations, the driver and the limits.
/// Handed to every ``ServerExtension``.
public struct APIServices: Sendable {
    /// The store (appends through it wake the streams and are counted in the metrics).
    public let store: any Store
    /// Session operations over ``store``, recording `api` as the source.
    public let sessions: Sessions
    /// The runtime service; call ``SessionDriver/notify(_:)`` after appending to a session.
    public let driver: SessionDriver
    /// The triggers: those of the configuration file and those added through the API.
    public let triggers: TriggerService
    /// The largest request body accepted, in bytes.
    public let bodyLimit: Int
    /// How often streams look for entries other processes appended.
    public let pollInterval: Duration
    /// How often an idle stream sends a keep-alive comment.
    public let keepAlive: Duration
    /// The server's logger.
    public let logger: Logger
    /// The server's metrics.
    public let metrics: ServerMetrics
    let feed: ChangeFeed
    let stopping: ShutdownFlag

    /// The source recorded on entries appended through the API.
    public static let source = "api"

    /// The whole request body, refused with 413 beyond ``bodyLimit``.
    public func body(of request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "body_too_large", "the request body is larger than the limit of \(bodyLimit) bytes (server.body_limit)")
        }
    }

    /// The session id in the path parameter `id`, validated by ``SessionID``'s parser (400 if malformed).
    public func sessionID(_ context: CairnRequestContext, parameter: String = "id") throws -> SessionID {
        let text = context.parameters.get(parameter) ?? ""
        do {
            return try SessionID(text)
        } catch {
            throw APIError(.badRequest, code: "invalid_session_id", "\(error)")
        }
    }

    /// A non-negative integer query parameter, or `fallback` when absent (400 if malformed).
    public func integer(_ request: Request, _ name: String, fallback: Int, max: Int = Int.max) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text), value >= 0, value <= max else {
            throw APIError.badRequest("query parameter '\(name)' must be a whole number in 0...\(max), not '\(text.prefix(40))'")
        }
        return value
    }
}

/// Set once a graceful shutdown starts, so open streams end and let the server stop.
final class ShutdownFlag: Sendable {
    private let state = Mutex(false)

    /// Whether shutdown has started.
    var isSet: Bool { state.withLock { $0 } }

    /// Marks shutdown as started.
    func set() { state.withLock { $0 = true } }
}
