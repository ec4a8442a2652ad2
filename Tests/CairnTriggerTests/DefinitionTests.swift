import CairnCore
import CairnTriggerConformance
import CairnTriggers
import Foundation
import Testing

@Suite("Trigger definitions, the registry, and refusals that name the field")
struct DefinitionTests {
    func refusal(_ json: String, kinds: Components = triggerComponents()) async -> String {
        do {
            let parsed = try definition("t", json)
            _ = try await kinds.make(.trigger, parsed.kind, TriggerConfiguration(definition: parsed, store: MemoryStore()))
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        (#"{"agent": "a"}"#, "needs 'type'"),
        (#"{"type": "cron", "cron_expression": "0 * * * *"}"#, "needs 'agent'"),
        (#"{"type": "cron", "cron_expression": "0 * * * *", "agent": "cairn.x"}"#, "reserved"),
        (#"{"type": "cron", "cron_expression": "0 * * * *", "agent": "a", "session": "nope"}"#, "'new', 'shared' or a session id"),
        (#"{"type": "cron", "cron_expression": "0 25 * * *", "agent": "a"}"#, "hour \"25\""),
        (#"{"type": "cron", "cron_expression": "0 2 * * *", "cron_timezone": "Mars/Olympus", "agent": "a"}"#, "Mars/Olympus"),
        (#"{"type": "cron", "cron_expression": "0 * * * *", "agent": "a", "webhook_path": "/x"}"#, "unknown key 'webhook_path'"),
        (#"{"type": "cron", "cron_expression": "0 * * * *", "agent": "a", "missed": "sometimes"}"#, "missed must be skip, once or all"),
        (#"{"type": "interval", "agent": "a"}"#, "interval_seconds is required"),
        (#"{"type": "interval", "interval_seconds": 5, "jitter_seconds": 5, "agent": "a"}"#, "must be less than interval_seconds"),
        (#"{"type": "event", "event_type": "reply", "agent": "a"}"#, "event_type 'reply' is not an entry kind"),
        (#"{"type": "sundial", "agent": "a"}"#, "unknown trigger kind 'sundial'"),
    ])
    func badDefinitionsAreRefusedNamingTheField(json: String, expected: String) async {
        let message = await refusal(json)
        #expect(message.contains(expected), "\(message)")
    }

    @Test func listsGetDerivedNamesAndMappingsKeepTheirs() throws {
        let list = try TriggerDefinition.parseSection(
            try JSONValue(parsing: #"[{"type": "cron", "cron_expression": "*/10 * * * *"}]"#), agent: "watch", baseDirectory: "/", location: "triggers")
        #expect(list.count == 1)
        #expect(list[0].name.hasPrefix("cron-") && list[0].name.count == 15)
        #expect(list[0].target == .newSession(agent: "watch"))
        let map = try TriggerDefinition.parseSection(
            try JSONValue(parsing: #"{"nightly": {"type": "cron", "cron_expression": "0 2 * * *", "agent": "r", "session": "shared"}}"#),
            baseDirectory: "/", location: "triggers")
        #expect(map.map(\.name) == ["nightly"])
        #expect(map[0].target == .sharedSession(agent: "r"))
    }

    @Test func secretsAreMaskedInListings() throws {
        let hook = try definition("hook", #"{"type": "webhook", "hmac_secret": "s3cret", "api_token": "t0ken", "webhook_path": "/h", "agent": "a"}"#)
        let text = hook.maskedMapping.text
        #expect(!text.contains("s3cret") && !text.contains("t0ken"))
        #expect(text.contains("/h"))
    }

    @Test func theRegistryAddsOnceAndRemoves() async throws {
        let store = MemoryStore()
        let registry = TriggerRegistry(store: store)
        let one = try definition("one", #"{"type": "interval", "interval_seconds": 5, "agent": "a"}"#)
        try await registry.add(one)
        await #expect(throws: TriggerError.exists("one")) { try await registry.add(one) }
        #expect(try await registry.definitions().definitions.map(\.name) == ["one"])
        #expect(try await registry.definitions().definitions.first?.origin == .dynamic)
        try await registry.remove("one")
        await #expect(throws: TriggerError.notFound("one", known: [])) { try await registry.remove("one") }
        #expect(try await registry.definitions().definitions.isEmpty)
    }

    @Test func aServiceStartsAndStopsTriggersOtherNodesAddAndRemove() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let node = try await RunningService(store: store, clock: clock, definitions: [])
        let other = TriggerService(store: store, components: triggerComponents(), configured: [])
        _ = try await other.add(try definition("later", #"{"type": "interval", "interval_seconds": 60, "agent": "a"}"#))
        try await TriggerConformance.eventually("the registry change") {
            await node.service.statuses().contains { $0.definition.name == "later" && $0.state == .running }
        }
        try await other.remove("later")
        try await TriggerConformance.eventually("the registry change") { await !node.service.statuses().contains { $0.definition.name == "later" } }
        await node.stop()
    }

    @Test func configuredTriggersCannotBeRemovedAtRuntime() async throws {
        let service = TriggerService(
            store: MemoryStore(), components: triggerComponents(),
            configured: [try definition("fixed", #"{"type": "interval", "interval_seconds": 60, "agent": "a"}"#)])
        try await service.prepare()
        await #expect(throws: TriggerError.configured("fixed")) { try await service.remove("fixed") }
    }
}
