import Foundation
import Synchronization

/// A deterministic provider that plays back scripted turns: for demos and tests.
public final class ScriptedProvider: ModelProvider {
    /// How the provider picks the turn that answers a request.
    public enum Order: Sendable {
        /// The next turn of the script, per provider instance.
        case sequential
        /// The turn numbered by the assistant messages already in the request: the same request
        /// gets the same answer in any process, so conversations continue across runs.
        case byConversation
    }

    private let turns: [ModelTurn]
    private let order: Order
    private let next = Mutex(0)
    private let received = Mutex<[ModelRequest]>([])

    /// A provider that answers with `turns`, one per request, then fails.
    public init(_ turns: [ModelTurn], order: Order = .sequential) {
        self.turns = turns
        self.order = order
    }

    /// A provider reading turns from a JSON file (an array of `ModelTurn` objects), answering
    /// by conversation.
    /// - Throws: `CairnError.invalidArgument` naming the file and the problem.
    public convenience init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CairnError.invalidArgument("cannot read the script \(file)")
        }
        do {
            self.init(try JSONDecoder().decode([ModelTurn].self, from: data), order: .byConversation)
        } catch {
            throw CairnError.invalidArgument("\(file) is not a list of model turns: \(error)")
        }
    }

    /// The requests received so far.
    public var requests: [ModelRequest] { received.withLock { $0 } }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        received.withLock { $0.append(request) }
        let index =
            switch order {
            case .sequential:
                next.withLock { value in
                    defer { value += 1 }; return value
                }
            case .byConversation: request.messages.filter { $0.role == .assistant }.count
            }
        return AsyncThrowingStream { continuation in
            guard index < turns.count else {
                continuation.finish(throwing: ModelProviderError("the script has \(turns.count) turns; turn \(index + 1) was asked for"))
                return
            }
            let turn = turns[index]
            for word in turn.message.text.split(separator: " ", omittingEmptySubsequences: false).enumerated() where !turn.message.text.isEmpty {
                continuation.yield(.text((word.offset == 0 ? "" : " ") + word.element))
            }
            for call in turn.message.toolCalls { continuation.yield(.toolCall(call)) }
            continuation.yield(.usage(turn.usage))
            continuation.yield(.stop(turn.stop))
            continuation.finish()
        }
    }
}

extension ScriptedProvider {
    /// The factory of the `scripted` model provider: `script` names a JSON file of model turns
    /// (relative to the configuration file), answered by conversation.
    /// - Throws: ``ComponentError`` when `script` is missing or the file is not a list of turns.
    @Sendable static func configured(_ configuration: ProviderConfiguration) throws -> ConfiguredModel {
        let options = configuration.options
        try options.allowing(["script"])
        let script = try options.requiredString("script", hint: "a JSON file of turns, for the scripted provider")
        do {
            return ConfiguredModel(provider: try ScriptedProvider(file: options.resolve(path: script)), model: configuration.model ?? "scripted")
        } catch {
            throw options.invalid("\(error)")
        }
    }
}
