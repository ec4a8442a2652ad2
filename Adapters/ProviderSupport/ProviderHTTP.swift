public import AsyncHTTPClient
import CairnCore
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// An HTTP error from a model provider, with what the user needs to act on it.
public struct ProviderHTTPError: Error, Sendable, CustomStringConvertible {
    /// The provider, e.g. `openai-compatible http://127.0.0.1:8080/v1`.
    public let provider: String
    /// The HTTP status, or nil for a connection failure.
    public let status: Int?
    /// The provider's message (from its JSON error body), or the transport error.
    public let message: String
    /// How many attempts were made.
    public let attempts: Int
    /// The URL requested ("" when unknown).
    public let url: String

    /// Creates an error.
    public init(provider: String, status: Int?, message: String, attempts: Int, url: String = "") {
        self.provider = provider
        self.status = status
        self.message = message
        self.attempts = attempts
        self.url = url
    }

    public var description: String {
        let what = status.map { "HTTP \($0)" } ?? "no response"
        let requested = url.isEmpty ? "" : " (POST \(url))"
        return "\(provider)\(requested): \(what) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)"
    }
}

/// Sending provider requests: POST JSON, retry 429/5xx and connection errors with exponential
/// backoff and jitter (honouring `Retry-After`), fail at once on other statuses.
public enum ProviderHTTP {
    /// Whether a status is worth retrying.
    public static func isRetryable(_ status: Int) -> Bool { status == 429 || status == 408 || status >= 500 }

    /// Sends `body` and returns the response once its status is 2xx (the body not yet read).
    /// - Throws: ``ProviderHTTPError`` naming the provider, the status and the provider's message.
    public static func send(
        client: HTTPClient, url: String, body: Data, headers: [(String, String)], timeout: Duration, maxAttempts: Int,
        initialBackoff: Duration, provider: String, logger: Logger
    ) async throws -> HTTPClientResponse {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "text/event-stream")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let (failure, retryAfter): (ProviderHTTPError, Duration?)
            do {
                let response = try await client.execute(
                    request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
                let status = Int(response.status.code)
                if (200..<300).contains(status) { return response }
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                let refused = ProviderHTTPError(provider: provider, status: status, message: errorMessage(text), attempts: attempt, url: url)
                guard isRetryable(status) else { throw refused }
                (failure, retryAfter) = (refused, response.headers.first(name: "retry-after").flatMap(Double.init).map { .milliseconds(Int($0 * 1000)) })
            } catch let error as ProviderHTTPError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                (failure, retryAfter) = (
                    ProviderHTTPError(provider: provider, status: nil, message: transportMessage(error, url: url), attempts: attempt, url: url), nil
                )
            }
            guard attempt < maxAttempts else { throw failure }
            let backoff = initialBackoff * Double(1 << min(attempt - 1, 6)) * Double.random(in: 0.8...1.2)
            let pause = min(retryAfter ?? backoff, .seconds(30))
            logger.info("retrying provider request", metadata: ["provider": "\(provider)", "attempt": "\(attempt)", "error": "\(failure.message)"])
            try await Task.sleep(for: pause)
        }
    }

    /// A transport failure in words: what happened at which address, not the HTTP client's type names.
    public static func transportMessage(_ error: any Error, url: String) -> String {
        let text = "\(error)"
        let address = URL(string: url).map { "\($0.host ?? "?"):\($0.port.map(String.init) ?? ($0.scheme == "https" ? "443" : "80"))" } ?? url
        if text.contains("connectionRefused") || text.contains("Connection refused") {
            return
                "connection refused: nothing listens at \(address); check the base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL or the agent file's base_url) and that the server runs"
        }
        if text.contains("connectTimeout") { return "could not connect to \(address) in time; check the base URL and the network" }
        if text.contains("deadlineExceeded") || text.contains("readTimeout") { return "no answer from \(address) within the request timeout" }
        if text.contains("NXDOMAIN") || text.contains("lookup") || text.contains("resolve") { return "cannot resolve the host of \(url): \(text)" }
        return text
    }

    /// The message of a provider's JSON error body (`{"error": {"message": ...}}` or `{"error": "..."}`), or the text itself.
    public static func errorMessage(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return String(text.prefix(500)) }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let error = object["error"] as? String { return error }
        if let message = object["message"] as? String { return message }
        return String(text.prefix(500))
    }
}
