import CairnCore
import CairnProviderConformance

/// A harness for Core's ``ScriptedProvider``: each scenario's replies become its turns, in order.
/// It cannot refuse a request with an HTTP status, so the scenarios needing error injection are
/// declared unsupported.
struct ScriptedHarness: ProviderConformanceHarness {
    var unsupported: [ProviderScenario: String] {
        Dictionary(
            uniqueKeysWithValues: ProviderScenario.allCases.filter(\.needsErrorInjection).map {
                ($0, "ScriptedProvider plays turns; it cannot refuse a request with an HTTP status")
            })
    }

    func provider(for scenario: ProviderScenario) async throws -> any ModelProvider {
        ScriptedProvider(try scenario.script.replies.enumerated().map { try Self.turn($0.offset, $0.element) }, order: .sequential)
    }

    static func turn(_ index: Int, _ reply: ProviderScript.Reply) throws -> ModelTurn {
        let usage = Usage(inputTokens: 12, outputTokens: 7)
        switch reply {
        case .text(let text):
            return ModelTurn(message: ChatMessage(role: .assistant, text: text), usage: usage, stop: .endTurn)
        case .toolCall(let name, let arguments):
            let call = ToolCall(id: "call_scripted_\(index + 1)", name: name, arguments: arguments.text)
            return ModelTurn(message: ChatMessage(role: .assistant, text: "", toolCalls: [call]), usage: usage, stop: .toolUse)
        case .failure(let status, _):
            throw ModelProviderError("a scripted provider cannot answer with HTTP \(status)")
        }
    }
}
