import CairnCore
import Testing

@testable import CairnOpenAI

/// A stream cut before its end (a dropped connection) must fail, never pass for a complete answer
/// that would be recorded as the model's turn.
@Suite("Cut OpenAI streams")
struct CutStreamTests {
    @Test func anOpenAIStreamWithoutFinishReasonOrDoneFails() throws {
        var cut = OpenAIWire.StreamAssembler()
        _ = try cut.consume(#"{"choices":[{"delta":{"content":"Half an ans"}}]}"#)
        #expect(throws: ModelProviderError.self) { _ = try cut.finish() }

        var whole = OpenAIWire.StreamAssembler()
        _ = try whole.consume(#"{"choices":[{"delta":{"content":"Done."},"finish_reason":"stop"}]}"#)
        #expect(try whole.finish() == [.stop(.endTurn)])
        var done = OpenAIWire.StreamAssembler()
        _ = try done.consume("[DONE]")
        #expect(try done.finish() == [.stop(.endTurn)])
    }
}
