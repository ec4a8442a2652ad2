public import AsyncHTTPClient
public import CairnCore
public import Foundation
import NIOCore

/// The plumbing every streaming provider shares.
public enum ProviderStream {
    /// A stream fed by `body` in a task of its own, finished when `body` returns or throws, and
    /// cancelled when the consumer stops listening.
    public static func make(
        _ body: @escaping @Sendable (AsyncThrowingStream<ModelEvent, any Error>.Continuation) async throws -> Void
    ) -> AsyncThrowingStream<ModelEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await body(continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Reads a `text/event-stream` body, passing each event to `consume` and yielding what it returns.
    public static func forwardEvents(
        of response: HTTPClientResponse, to continuation: AsyncThrowingStream<ModelEvent, any Error>.Continuation,
        _ consume: (ServerSentEventParser.Event) throws -> [ModelEvent]
    ) async throws {
        var parser = ServerSentEventParser()
        for try await buffer in response.body {
            for event in parser.feed(buffer.readableBytesView) {
                for output in try consume(event) { continuation.yield(output) }
            }
        }
        if let event = parser.finish() {
            for output in try consume(event) { continuation.yield(output) }
        }
    }

    /// The whole body of a non-streamed answer (at most 64 MiB).
    public static func body(of response: HTTPClientResponse) async throws -> Data {
        Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    }
}
