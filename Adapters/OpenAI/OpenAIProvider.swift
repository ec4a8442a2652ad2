public import AsyncHTTPClient
public import CairnCore
import CairnProviderSupport
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// A provider for OpenAI-compatible chat completions (`POST {base}/chat/completions`, streamed
/// over SSE): OpenAI, Ollama, vLLM, DeepSeek and others, by base URL.
///
/// Tool calls streamed in pieces are assembled before they are reported; usage is reported when
/// the server sends it (`stream_options.include_usage`). Requests that fail before the stream
/// starts with 429 or 5xx, or with a connection error, are retried with exponential backoff,
/// honouring `Retry-After`; other 4xx fail at once with the server's message.
public final class OpenAIProvider: ModelProvider {
    /// Settings of the provider.
    public struct Configuration: Sendable {
        /// The API's base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (as
        /// OpenAI's SDKs write it: with the API's version); requests go to `{baseURL}/chat/completions`.
        public var baseURL: String
        /// The bearer token, if the server needs one.
        public var apiKey: String?
        /// How long one request may take, streaming included.
        public var timeout: Duration
        /// How many attempts a request gets (1 = no retries).
        public var maxAttempts: Int
        /// The first backoff; it doubles per attempt (with jitter), capped at 30 s.
        public var initialBackoff: Duration
        /// Whether to ask for a streamed answer (SSE); otherwise one JSON response, reported as events.
        public var streaming: Bool

        /// Creates a configuration.
        public init(
            baseURL: String, apiKey: String? = nil, timeout: Duration = .seconds(300), maxAttempts: Int = 4,
            initialBackoff: Duration = .milliseconds(500), streaming: Bool = true
        ) {
            self.streaming = streaming
            self.baseURL = ProviderEnvironment.droppingTrailingSlashes(baseURL)
            self.apiKey = apiKey
            self.timeout = timeout
            self.maxAttempts = max(1, maxAttempts)
            self.initialBackoff = initialBackoff
        }
    }

    /// The settings.
    public let configuration: Configuration
    private let client: HTTPClient
    private let logger: Logger

    /// Creates a provider using `client` (the shared one by default).
    public init(configuration: Configuration, client: HTTPClient = .shared, logger: Logger = Logger(label: "cairn.openai")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        ProviderStream.make { continuation in try await self.run(request, continuation) }
    }

    private func run(_ request: ModelRequest, _ continuation: AsyncThrowingStream<ModelEvent, any Error>.Continuation) async throws {
        let body = try OpenAIWire.body(for: request, streaming: configuration.streaming)
        let response = try await ProviderHTTP.send(
            client: client, url: configuration.baseURL + "/chat/completions", body: body,
            headers: configuration.apiKey.map { [("Authorization", "Bearer \($0)")] } ?? [],
            timeout: configuration.timeout, maxAttempts: configuration.maxAttempts, initialBackoff: configuration.initialBackoff,
            provider: "openai-compatible \(configuration.baseURL)", logger: logger)
        guard configuration.streaming else {
            let data = try await ProviderStream.body(of: response)
            for event in try OpenAIWire.events(fromCompletion: data) { continuation.yield(event) }
            return
        }
        var assembler = OpenAIWire.StreamAssembler()
        try await ProviderStream.forwardEvents(of: response, to: continuation) { event in try assembler.consume(event.data) }
        for output in try assembler.finish() { continuation.yield(output) }
    }
}
