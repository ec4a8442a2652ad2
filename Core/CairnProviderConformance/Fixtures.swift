import CairnCore
import Foundation

/// The texts, the tool and the requests of the scenarios.
enum Fixtures {
    static let streamedText = "Cairns are stacks of stones that walkers leave to mark a trail."
    static let toolAnswer = "The Pennine Way takes about sixteen days."
    static let toolResult = "Pennine Way: 431 km, about 16 days on foot"
    static let recovered = "Recovered after two retries."
    static let retriedClientError = "This answer means the provider retried a client error."
    static let afterCancellation = "Still answering after a cancelled request."
    /// 600 words: a fake server streaming a word per few milliseconds takes seconds for it.
    static let longText = Array(repeating: "Stones stacked by the path show the way to the next walker in the fog.", count: 40)
        .joined(separator: " ")

    static let tool = ToolSpec(
        name: "lookup_trail", description: "Looks up a hiking trail.",
        inputSchema: .object([
            "type": .string("object"),
            "properties": .object([
                "trail": .object(["type": .string("string")]),
                "days": .object(["type": .string("integer")]),
                "waypoints": .object(["type": .string("array"), "items": .object(["type": .string("string")])]),
                "options": .object(["type": .string("object")]),
            ]),
            "required": .array([.string("trail")]),
        ]))

    static let toolArguments = JSONValue.object([
        "trail": .string("Pennine Way — Kinder Scout, Zürich-style \"quoted\" name"),
        "days": .number(3),
        "waypoints": .array([.string("Edale"), .string("Crowden")]),
        "options": .object(["avoid_bogs": .bool(true), "note": .null]),
    ])

    /// The first request of a run of `scenario`: the marker and a nonce in the user's message.
    static func request(_ scenario: ProviderScenario, model: String, nonce: String = UUID().uuidString) -> ModelRequest {
        let tools = [ProviderScenario.toolCall, .toolResult].contains(scenario) ? [tool] : []
        let prompt = tools.isEmpty ? "Answer as scripted." : "Look up the Pennine Way with lookup_trail."
        return ModelRequest(
            model: model, instructions: "You are being checked by the Cairn provider conformance kit.",
            messages: [ChatMessage(role: .user, text: "\(scenario.script.marker) run \(nonce): \(prompt)")], tools: tools)
    }
}
