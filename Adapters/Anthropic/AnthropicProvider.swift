public import AsyncHTTPClient
public import CairnCore
import CairnProviderSupport
import Foundation
public import Logging
import NIOCore

/// A provider for the Anthropic Messages API (`POST {base}/messages`, streamed as typed SSE
/// events): text deltas, tool use blocks with their input streamed in pieces, usage.
/// Retries as ``ProviderHTTP`` does; other 4xx fail at once with the API's message.
public final class AnthropicProvider: ModelProvider {
    /// Settings of the provider.
    public struct Configuration: Sendable {
        /// The API's base URL, with or without `/v1` (`https://api.anthropic.com`, as Anthropic's
        /// SDKs write it, or `https://api.anthropic.com/v1`); kept normalised to end in `/v1`
        /// (``normalizedBaseURL(_:)``), on assignment too. Requests go to `{baseURL}/messages`.
        public var baseURL: String {
            didSet { baseURL = Self.normalizedBaseURL(baseURL) }  // an assignment here does not call didSet again
        }
        /// The API key (`x-api-key`).
        public var apiKey: String?
        /// The `anthropic-version` header.
        public var version: String
        /// `max_tokens` when the request gives none (the API requires one).
        public var defaultMaxTokens: Int
        /// How long one request may take, streaming included.
        public var timeout: Duration
        /// How many attempts a request gets (1 = no retries).
        public var maxAttempts: Int
        /// The first backoff; it doubles per attempt (with jitter), capped at 30 s.
        public var initialBackoff: Duration
        /// Whether to ask for a streamed answer; otherwise one JSON message, reported as events.
        public var streaming: Bool

        /// Creates a configuration; `baseURL` may end in `/v1` or not (see ``baseURL``).
        public init(
            baseURL: String = "https://api.anthropic.com/v1", apiKey: String? = nil, version: String = "2023-06-01",
            defaultMaxTokens: Int = 4096, timeout: Duration = .seconds(300), maxAttempts: Int = 4,
            initialBackoff: Duration = .milliseconds(500), streaming: Bool = true
        ) {
            self.baseURL = Self.normalizedBaseURL(baseURL)
            self.apiKey = apiKey
            self.version = version
            self.defaultMaxTokens = defaultMaxTokens
            self.timeout = timeout
            self.maxAttempts = max(1, maxAttempts)
            self.initialBackoff = initialBackoff
            self.streaming = streaming
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let client: HTTPClient
    private let logger: Logger

    /// Creates a provider using `client` (the shared one by default).
    public init(configuration: Configuration, client: HTTPClient = .shared, logger: Logger = Logger(label: "cairn.anthropic")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        ProviderStream.make { continuation in try await self.run(request, continuation) }
    }

    private func run(_ request: ModelRequest, _ continuation: AsyncThrowingStream<ModelEvent, any Error>.Continuation) async throws {
        let body = try AnthropicWire.body(for: request, streaming: configuration.streaming, defaultMaxTokens: configuration.defaultMaxTokens)
        var headers = [("anthropic-version", configuration.version)]
        if let key = configuration.apiKey { headers.append(("x-api-key", key)) }
        let response = try await ProviderHTTP.send(
            client: client, url: configuration.baseURL + "/messages", body: body, headers: headers, timeout: configuration.timeout,
            maxAttempts: configuration.maxAttempts, initialBackoff: configuration.initialBackoff,
            provider: "anthropic \(configuration.baseURL)", logger: logger)
        guard configuration.streaming else {
            for event in try AnthropicWire.events(fromMessage: try await ProviderStream.body(of: response)) { continuation.yield(event) }
            return
        }
        var assembler = AnthropicWire.StreamAssembler()
        try await ProviderStream.forwardEvents(of: response, to: continuation) { event in try assembler.consume(name: event.name, data: event.data) }
        for output in try assembler.finish() { continuation.yield(output) }
    }
}
