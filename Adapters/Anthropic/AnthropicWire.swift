import CairnCore
import Foundation

/// The Anthropic Messages wire format: request bodies and the assembly of streamed events.
enum AnthropicWire {
    static func body(for request: ModelRequest, streaming: Bool, defaultMaxTokens: Int) throws -> Data {
        var messages: [[String: Any]] = []
        var pendingResults: [[String: Any]] = []
        func flushResults() {
            if !pendingResults.isEmpty {
                messages.append(["role": "user", "content": pendingResults])
                pendingResults = []
            }
        }
        for message in request.messages {
            switch message.role {
            case .user:
                flushResults()
                messages.append(["role": "user", "content": [["type": "text", "text": message.text]]])
            case .assistant:
                flushResults()
                var blocks: [[String: Any]] = []
                if !message.text.isEmpty { blocks.append(["type": "text", "text": message.text]) }
                for call in message.toolCalls {
                    let input = (try? JSONSerialization.jsonObject(with: Data((call.arguments.isEmpty ? "{}" : call.arguments).utf8))) ?? [String: Any]()
                    blocks.append(["type": "tool_use", "id": call.id, "name": call.name, "input": input])
                }
                messages.append(["role": "assistant", "content": blocks])
            case .tool:
                // Anthropic takes tool results as blocks of the next user message, all together.
                pendingResults.append(["type": "tool_result", "tool_use_id": message.toolCallID ?? "", "content": message.text, "is_error": message.isError])
            }
        }
        flushResults()
        var body: [String: Any] = [
            "model": request.model, "messages": messages, "stream": streaming, "max_tokens": request.maxTokens ?? defaultMaxTokens,
        ]
        if !request.instructions.isEmpty { body["system"] = request.instructions }
        if !request.tools.isEmpty {
            body["tools"] = try request.tools.map { tool -> [String: Any] in
                [
                    "name": tool.name, "description": tool.description,
                    "input_schema": try JSONSerialization.jsonObject(with: Data(tool.inputSchema.text.utf8)),
                ]
            }
        }
        if let temperature = request.temperature { body["temperature"] = temperature }
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }

    static func stopReason(_ text: String?) -> StopReason? {
        switch text {
        case "end_turn", "stop_sequence"?: .endTurn
        case "tool_use"?: .toolUse
        case "max_tokens"?: .maxTokens
        case nil: nil
        default: .other
        }
    }

    /// The events of a non-streamed message.
    static func events(fromMessage data: Data) throws -> [ModelEvent] {
        guard let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelProviderError("anthropic response is not a message: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        var events: [ModelEvent] = []
        for block in message["content"] as? [[String: Any]] ?? [] {
            switch block["type"] as? String {
            case "text": events.append(.text(block["text"] as? String ?? ""))
            case "tool_use":
                let input = block["input"].flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
                events.append(
                    .toolCall(
                        ToolCall(
                            id: block["id"] as? String ?? "", name: block["name"] as? String ?? "",
                            arguments: input.map { String(decoding: $0, as: UTF8.self) } ?? "{}")))
            default: break
            }
        }
        if let usage = message["usage"] as? [String: Any] {
            events.append(.usage(Usage(inputTokens: usage["input_tokens"] as? Int ?? 0, outputTokens: usage["output_tokens"] as? Int ?? 0)))
        }
        events.append(.stop(stopReason(message["stop_reason"] as? String) ?? .endTurn))
        return events
    }

    /// Turns the typed events of a stream into model events, assembling tool inputs streamed in pieces.
    struct StreamAssembler {
        private var blocks: [Int: (id: String, name: String, json: String)] = [:]
        private var usage = Usage()
        private var stop: StopReason?
        private var stopped = false

        mutating func consume(name: String, data: String) throws -> [ModelEvent] {
            guard !data.isEmpty, let event = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] else { return [] }
            switch event["type"] as? String ?? name {
            case "message_start":
                if let u = (event["message"] as? [String: Any])?["usage"] as? [String: Any] {
                    usage.inputTokens = u["input_tokens"] as? Int ?? 0
                    usage.outputTokens = u["output_tokens"] as? Int ?? 0
                }
            case "content_block_start":
                if let block = event["content_block"] as? [String: Any], block["type"] as? String == "tool_use" {
                    blocks[event["index"] as? Int ?? 0] = (block["id"] as? String ?? "", block["name"] as? String ?? "", "")
                }
            case "content_block_delta":
                let delta = event["delta"] as? [String: Any] ?? [:]
                switch delta["type"] as? String {
                case "text_delta":
                    if let text = delta["text"] as? String, !text.isEmpty { return [.text(text)] }
                case "input_json_delta":
                    let index = event["index"] as? Int ?? 0
                    blocks[index]?.json += delta["partial_json"] as? String ?? ""
                default: break
                }
            case "content_block_stop":
                let index = event["index"] as? Int ?? 0
                if let block = blocks.removeValue(forKey: index) {
                    return [.toolCall(ToolCall(id: block.id, name: block.name, arguments: block.json.isEmpty ? "{}" : block.json))]
                }
            case "message_delta":
                if let reason = stopReason((event["delta"] as? [String: Any])?["stop_reason"] as? String) { stop = reason }
                if let output = (event["usage"] as? [String: Any])?["output_tokens"] as? Int { usage.outputTokens = output }
            case "message_stop":
                stopped = true
            case "error":
                let error = event["error"] as? [String: Any]
                throw ModelProviderError("anthropic stream error: \(error?["message"] as? String ?? data)")
            default: break
            }
            return []
        }

        /// The usage and the stop reason, at the end of the stream.
        /// - Throws: ``ModelProviderError`` when the stream ended with neither a stop reason nor
        ///   `message_stop`: a cut connection must not pass for a complete answer.
        mutating func finish() throws -> [ModelEvent] {
            guard stopped || stop != nil else {
                throw ModelProviderError("anthropic stream ended before its stop_reason or message_stop (a cut connection?)")
            }
            return [.usage(usage), .stop(stop ?? .endTurn)]
        }
    }
}
