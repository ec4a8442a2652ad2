import CairnCore
import CairnProviderConformance

/// fakellm rules programming every scenario of the kit: the i-th request of a run (fakellm's turn
/// i, counted per first user message, which the kit makes unique per run) gets the i-th reply,
/// and later requests the last one. The reply to the request carrying the tool result matches
/// only when the result is there (`tool_result_contains`).
enum FakeLLMRules {
    static func conformance() -> String {
        var rules: [JSONValue] = []
        for scenario in ProviderScenario.allCases {
            let script = scenario.script
            for (index, reply) in script.replies.enumerated() {
                var when: [String: JSONValue] = ["messages_contain": .string(script.marker)]
                if index < script.replies.count - 1 { when["turn"] = .number(Double(index + 1)) }
                if index == 1, let result = script.toolResult { when["tool_result_contains"] = .string(result) }
                rules.append(.object(["name": .string("\(scenario)-\(index + 1)"), "when": .object(when), "respond": respond(reply)]))
            }
        }
        return asciiOnly(JSONValue.object(["rules": .array(rules)]).text)
    }

    static func respond(_ reply: ProviderScript.Reply) -> JSONValue {
        switch reply {
        case .text(let text):
            .object(["content": .string(text)])
        case .toolCall(let name, let arguments):
            .object(["tool_calls": .array([.object(["name": .string(name), "arguments": arguments])])])
        case .failure(let status, let message):
            .object(["status": .number(Double(status)), "error": .string(message)])
        }
    }

    /// JSON (which YAML reads too) with every non-ASCII character escaped, so the file reads the
    /// same whatever the locale's encoding.
    static func asciiOnly(_ json: String) -> String {
        var out = ""
        for scalar in json.unicodeScalars {
            guard !scalar.isASCII else {
                out.unicodeScalars.append(scalar)
                continue
            }
            for unit in String(scalar).utf16 { out += "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count) + String(unit, radix: 16) }
        }
        return out
    }
}
