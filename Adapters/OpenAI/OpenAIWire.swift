import CairnCore
import Foundation

/// The OpenAI chat-completions wire format: request bodies and the assembly of streamed chunks.
enum OpenAIWire {
    static func body(for request: ModelRequest, streaming: Bool) throws -> Data {
        var messages: [[String: Any]] = []
        if !request.instructions.isEmpty { messages.append(["role": "system", "content": request.instructions]) }
        for message in request.messages {
            switch message.role {
            case .user:
                messages.append(["role": "user", "content": message.text])
            case .assistant:
                var object: [String: Any] = ["role": "assistant", "content": message.text.isEmpty ? NSNull() : message.text]
                if !message.toolCalls.isEmpty {
                    object["tool_calls"] = message.toolCalls.map {
                        ["id": $0.id, "type": "function", "function": ["name": $0.name, "arguments": $0.arguments]] as [String: Any]
                    }
                }
                messages.append(object)
            case .tool:
                messages.append(["role": "tool", "tool_call_id": message.toolCallID ?? "", "content": message.text])
            }
        }
        var body: [String: Any] = ["model": request.model, "messages": messages, "stream": streaming]
        if streaming { body["stream_options"] = ["include_usage": true] }
        if !request.tools.isEmpty {
            body["tools"] = try request.tools.map { tool -> [String: Any] in
                let schema = try JSONSerialization.jsonObject(with: Data(tool.inputSchema.text.utf8))
                return ["type": "function", "function": ["name": tool.name, "description": tool.description, "parameters": schema] as [String: Any]]
            }
        }
        if let maxTokens = request.maxTokens { body["max_tokens"] = maxTokens }
        if let temperature = request.temperature { body["temperature"] = temperature }
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    /// The events of a non-streamed completion (`choices[0].message`, `usage`, `finish_reason`).
    static func events(fromCompletion data: Data) throws -> [ModelEvent] {
        guard let completion = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let choice = (completion["choices"] as? [[String: Any]])?.first
        else {
            throw ModelProviderError("openai-compatible response is not a chat completion: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        var assembler = StreamAssembler()
        let message = choice["message"] as? [String: Any] ?? [:]
        var delta: [String: Any] = [:]
        if let content = message["content"] as? String { delta["content"] = content }
        if let calls = message["tool_calls"] as? [[String: Any]] {
            delta["tool_calls"] = calls.enumerated().map { index, call in call.merging(["index": index]) { current, _ in current } }
        }
        var chunk: [String: Any] = ["choices": [["delta": delta, "finish_reason": choice["finish_reason"] ?? NSNull()]]]
        if let usage = completion["usage"] { chunk["usage"] = usage }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: chunk), as: UTF8.self)
        let events = try assembler.consume(text)
        _ = try assembler.consume("[DONE]")  // a whole response is complete, with or without finish_reason
        return try events + assembler.finish()
    }

    /// Turns `data:` payloads of chunks into events, assembling tool calls streamed in pieces.
    struct StreamAssembler {
        private var calls: [Int: (id: String, name: String, arguments: String)] = [:]
        private var stop: StopReason?
        private var done = false

        mutating func consume(_ data: String) throws -> [ModelEvent] {
            guard !done, !data.isEmpty else { return [] }
            if data == "[DONE]" {
                done = true
                return []
            }
            guard let chunk = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else {
                throw ModelProviderError("openai-compatible stream: a chunk is not JSON: \(data.prefix(200))")
            }
            if let error = chunk["error"] {
                throw ModelProviderError("openai-compatible stream error: \(error)")
            }
            var events: [ModelEvent] = []
            if let usage = chunk["usage"] as? [String: Any] {
                events.append(.usage(Usage(inputTokens: usage["prompt_tokens"] as? Int ?? 0, outputTokens: usage["completion_tokens"] as? Int ?? 0)))
            }
            for choice in chunk["choices"] as? [[String: Any]] ?? [] {
                let delta = choice["delta"] as? [String: Any] ?? [:]
                if let text = delta["content"] as? String, !text.isEmpty { events.append(.text(text)) }
                for piece in delta["tool_calls"] as? [[String: Any]] ?? [] {
                    let index = piece["index"] as? Int ?? 0
                    var call = calls[index] ?? (id: "", name: "", arguments: "")
                    if let id = piece["id"] as? String, !id.isEmpty { call.id = id }
                    let function = piece["function"] as? [String: Any] ?? [:]
                    if let name = function["name"] as? String, !name.isEmpty { call.name = name }
                    if let arguments = function["arguments"] as? String { call.arguments += arguments }
                    calls[index] = call
                }
                if let reason = choice["finish_reason"] as? String {
                    switch reason {
                    case "stop": stop = .endTurn
                    case "tool_calls", "function_call": stop = .toolUse
                    case "length": stop = .maxTokens
                    default: stop = .other
                    }
                }
            }
            return events
        }

        /// The assembled tool calls and the stop reason, at the end of the stream.
        /// - Throws: ``ModelProviderError`` when the stream ended with neither a `finish_reason`
        ///   nor `[DONE]`: a cut connection must not pass for a complete answer.
        mutating func finish() throws -> [ModelEvent] {
            guard done || stop != nil else {
                throw ModelProviderError("openai-compatible stream ended before its finish_reason or [DONE] (a cut connection?)")
            }
            var events = calls.keys.sorted().compactMap { index -> ModelEvent? in
                guard let call = calls[index] else { return nil }
                return .toolCall(ToolCall(id: call.id.isEmpty ? "call_\(index)" : call.id, name: call.name, arguments: call.arguments))
            }
            events.append(.stop(stop ?? (calls.isEmpty ? .endTurn : .toolUse)))
            return events
        }
    }
}
