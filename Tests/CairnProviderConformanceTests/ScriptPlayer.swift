import CairnCore
import CairnProviderConformance
import Synchronization

/// An in-memory provider that plays a scenario's script the way an HTTP provider meets a server:
/// it retries 408, 429 and 5xx (4 attempts), fails other statuses at once with an error naming
/// the status and message, streams text word by word (a long text trickles: after its first
/// word it waits, cancellably, for 10 s), and answers a tool result only if it got it. Bugs can
/// be planted, to check that the kit catches each.
final class ScriptPlayer: ModelProvider {
    enum Bug: String, Sendable, CaseIterable {
        case eventAfterStop, holdsStreamOpen, noStop, onePiece, noUsage, blankCallID, mangledArguments, dropsToolResults
        case noRetries, retriesClientErrors, statusNotNamed, slowToCancel, wrongErrorOnCancel
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let script: ProviderScript
    let bugs: Set<Bug>
    private let requests = Counter()

    init(_ script: ProviderScript, bugs: Set<Bug> = []) {
        self.script = script
        self.bugs = bugs
    }

    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        var attempt = 0
        while true {
            attempt += 1
            let index = requests.next()
            let reply = script.replies[min(index, script.replies.count - 1)]
            guard case .failure(let status, let message) = reply else { return play(events(for: reply, index, request)) }
            let retryable = status == 408 || status == 429 || status >= 500 || bugs.contains(.retriesClientErrors)
            if !retryable || attempt == 4 || bugs.contains(.noRetries) {
                let failure = Failure(description: bugs.contains(.statusNotNamed) ? "the request failed: \(message)" : "player: HTTP \(status): \(message)")
                return AsyncThrowingStream { $0.finish(throwing: failure) }
            }
        }
    }

    private func events(for reply: ProviderScript.Reply, _ index: Int, _ request: ModelRequest) -> [ModelEvent] {
        var events: [ModelEvent] = []
        switch reply {
        case .text(var text):
            if index == 1, let result = script.toolResult {
                let messages = bugs.contains(.dropsToolResults) ? request.messages.filter { $0.role != .tool } : request.messages
                if !messages.contains(where: { $0.role == .tool && $0.text == result && $0.toolCallID == "call_0" }) { text = "[no tool result]" }
            }
            let words = text.split(separator: " ").enumerated().map { ($0.offset == 0 ? "" : " ") + $0.element }
            events += bugs.contains(.onePiece) ? [.text(text)] : words.map(ModelEvent.text)
            events.append(.stop(.endTurn))
        case .toolCall(let name, let arguments):
            let json = bugs.contains(.mangledArguments) ? String(arguments.text.dropLast(2)) : arguments.text
            events.append(.toolCall(ToolCall(id: bugs.contains(.blankCallID) ? " " : "call_\(index)", name: name, arguments: json)))
            events.append(.stop(.toolUse))
        case .failure:
            return []
        }
        if !bugs.contains(.noUsage) { events.insert(.usage(Usage(inputTokens: 20, outputTokens: 9)), at: events.count - 1) }
        if bugs.contains(.noStop) { events.removeLast() }
        if bugs.contains(.eventAfterStop) { events.append(.text(" and more")) }
        return events
    }

    private func play(_ events: [ModelEvent]) -> AsyncThrowingStream<ModelEvent, any Error> {
        let counter = Counter()
        let trickles = events.count > 100
        let bugs = bugs
        return AsyncThrowingStream<ModelEvent, any Error>(unfolding: { () async throws -> ModelEvent? in
            let index = counter.next()
            if index == 1 && trickles { try await Self.trickle(bugs) }
            guard index < events.count else {
                if bugs.contains(.holdsStreamOpen) { try await Task.sleep(for: .seconds(60)) }
                return nil
            }
            return events[index]
        })
    }

    /// A slow server: waits 10 s, or until cancelled, then throws CancellationError (or, with
    /// the bugs, the wrong error, or only after 3 seconds that ignore cancellation).
    private static func trickle(_ bugs: Set<Bug>) async throws {
        do {
            try await Task.sleep(for: .seconds(10))
        } catch {
            if bugs.contains(.wrongErrorOnCancel) { throw Failure(description: "connection reset by peer") }
            if bugs.contains(.slowToCancel) { await Task.detached { try? await Task.sleep(for: .seconds(3)) }.value }
            throw error
        }
    }
}

/// 0, 1, 2, ... across tasks.
final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
