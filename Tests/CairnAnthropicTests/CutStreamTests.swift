import CairnCore
import Testing

@testable import CairnAnthropic

/// A stream cut before its end (a dropped connection) must fail, never pass for a complete answer
/// that would be recorded as the model's turn.
@Suite("Cut Anthropic streams")
struct CutStreamTests {
    @Test func anAnthropicStreamWithoutStopFails() throws {
        var cut = AnthropicWire.StreamAssembler()
        _ = try cut.consume(name: "content_block_delta", data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Half"}}"#)
        #expect(throws: ModelProviderError.self) { _ = try cut.finish() }

        var whole = AnthropicWire.StreamAssembler()
        _ = try whole.consume(name: "message_stop", data: #"{"type":"message_stop"}"#)
        #expect(try whole.finish() == [.usage(Usage()), .stop(.endTurn)])
    }
}
