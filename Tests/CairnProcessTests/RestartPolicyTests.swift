import CairnCore
import CairnFileStore
import CairnProcesses
import Foundation
import Testing

/// A model that is always down.
struct DownModel: ModelProvider {
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ModelProviderError("the model is down")) }
    }
}

/// A model that always answers `text`.
struct EchoModel: ModelProvider {
    let text: String
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(.text(text))
            continuation.yield(.stop(.endTurn))
            continuation.finish()
        }
    }
}

func processService(model: any ModelProvider, clock: ManualWallClock) throws -> (ProcessService, FileStore) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-processes-\(UUID().uuidString)")
    let store = try FileStore(root: folder.path, create: true)
    var components = Components()
    components.register(.modelProvider, "openai") { configuration in ConfiguredModel(provider: model, model: configuration.model ?? "m") }
    return (ProcessService(store: store, components: components, triggers: nil, clock: clock), store)
}

func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

@Suite("Restart policy")
struct RestartPolicyTests {
    @Test func failingRunsFailTheProcessThenRestartWithBackoffUntilExhausted() async throws {
        let clock = ManualWallClock()
        let (service, _) = try processService(model: DownModel(), clock: clock)
        let config = try json(
            #"{"model": "openai:m", "inbox": {"enabled": true}, "max_consecutive_failures": 2, "restart_policy": "on_failure", "max_restarts": 2, "restart_backoff": 1}"#
        )
        _ = try await service.deploy(name: "flaky", config: config, start: true)

        func failTwice() async throws {
            for attempt in 1...2 {
                _ = try await service.send("flaky", content: "try \(attempt)", type: "directive", priority: "normal", sender: "t", ttl: nil, metadata: [:])
                await service.runDue()
            }
        }
        try await failTwice()
        #expect(try await service.snapshot("flaky").state == .failed)
        await service.runDue()
        #expect(try await service.snapshot("flaky").state == .failed, "the first restart waits restart_backoff (1 s)")
        clock.advance(by: 1)
        await service.runDue()
        var record = try await service.snapshot("flaky")
        #expect(record.state == .running && record.restartCount == 1)

        try await failTwice()
        clock.advance(by: 1)
        await service.runDue()
        #expect(try await service.snapshot("flaky").state == .failed, "the second restart waits 2 s")
        clock.advance(by: 1)
        await service.runDue()
        record = try await service.snapshot("flaky")
        #expect(record.state == .running && record.restartCount == 2)

        try await failTwice()
        clock.advance(by: 60)
        await service.runDue()
        record = try await service.snapshot("flaky")
        #expect(record.state == .failed && record.restartExhausted)
        #expect(record.deadLetters.count == 6, "every failed run's event is dead-lettered")

        let journal = try await service.journalEntries("flaky", limit: 500, type: nil)
        let delays = journal.filter { $0.type == "restart" }.compactMap { $0.data["delay_seconds"] }
        #expect(delays == [.number(1), .number(2)])
        #expect(journal.filter { $0.type == "restart_exhausted" }.count == 1)
        let failures = journal.filter { $0.type == "invocation_result" && $0.data["success"] == .bool(false) }
        #expect(failures.count == 6 && failures.allSatisfy { $0.data["error"]?.stringValue?.contains("the model is down") == true })

        // An operator's start clears the exhaustion and the counters.
        try await service.start("flaky")
        record = try await service.snapshot("flaky")
        #expect(record.state == .running && record.restartCount == 0 && !record.restartExhausted)
    }

    @Test func neverRestartsWithTheNeverPolicy() async throws {
        let clock = ManualWallClock()
        let (service, _) = try processService(model: DownModel(), clock: clock)
        let config = try json(#"{"model": "openai:m", "inbox": {"enabled": true}, "max_consecutive_failures": 1}"#)
        _ = try await service.deploy(name: "once", config: config, start: true)
        _ = try await service.send("once", content: "go", type: "directive", priority: "normal", sender: nil, ttl: nil, metadata: [:])
        await service.runDue()
        clock.advance(by: 3600)
        await service.runDue()
        #expect(try await service.snapshot("once").state == .failed)
    }

    @Test func aStateFoldsBackFromTheLogAfterARestart() async throws {
        let clock = ManualWallClock()
        let (service, store) = try processService(model: EchoModel(text: "ANSWER Q1: yes"), clock: clock)
        let config = try json(#"{"model": "openai:m", "inbox": {"enabled": true}, "context": {"initial_state": {"k": 1}}}"#)
        _ = try await service.deploy(name: "keeper", config: config, start: true)
        _ = try await service.send("keeper", content: "note this", type: "context", priority: "high", sender: "a", ttl: nil, metadata: [:])
        await service.runDue()
        _ = try await service.deploy(name: "resting", config: config, start: true)
        try await service.suspend("resting")
        let before = try await service.snapshot("keeper")
        #expect(before.invocationCount == 1 && before.conversation.count == 2)

        var components = Components()
        components.register(.modelProvider, "openai") { _ in ConfiguredModel(provider: EchoModel(text: "ok"), model: "m") }
        let again = ProcessService(store: store, components: components, triggers: nil, clock: clock)
        try await again.load()
        let after = try await again.snapshot("keeper")
        #expect(after.state == .running && after.invocationCount == 1 && after.conversation == before.conversation)
        #expect(after.context["k"] == .number(1) && after.inbox.pending(now: clock.now()).isEmpty)
        #expect(try await again.snapshot("resting").state == .suspended)
        #expect(try await again.journalEntries("keeper", limit: 10, type: "recovered").count == 1)
    }
}
