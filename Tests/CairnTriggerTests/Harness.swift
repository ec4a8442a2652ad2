import CairnCore
import CairnCronTrigger
import CairnEventTrigger
import CairnFileWatchTrigger
import CairnIntervalTrigger
import CairnTriggerConformance
import CairnTriggers
import CairnWebhookTrigger
import Foundation

/// Components with the trigger kinds of this repository that need no network.
func triggerComponents() -> Components {
    var components = Components()
    CronTrigger.register(in: &components)
    IntervalTrigger.register(in: &components)
    EventTrigger.register(in: &components)
    WebhookTrigger.register(in: &components)
    FileWatchTrigger.register(in: &components)
    return components
}

/// A UTC date from `2026-03-29T00:30:00Z`-style text.
func date(_ text: String) -> Date {
    Timestamps.parse(text) ?? Date(timeIntervalSince1970: 0)
}

/// A trigger definition from YAML-like JSON text.
func definition(_ name: String, _ json: String) throws -> TriggerDefinition {
    try TriggerDefinition.parse(try JSONValue(parsing: json), name: name, baseDirectory: "/tmp", location: "triggers.\(name)")
}

/// A trigger service running over `store` on `clock` until ``stop()``.
final class RunningService: Sendable {
    let service: TriggerService
    let task: Task<Void, Never>

    init(store: any Store, clock: ManualTriggerClock, definitions: [TriggerDefinition], components: Components = triggerComponents()) async throws {
        service = TriggerService(
            store: store, components: components, configured: definitions, clock: clock, pollInterval: .milliseconds(20),
            checkpointInterval: 86_400 * 365)
        try await service.prepare()
        let service = service
        task = Task { await service.run() }
        for definition in definitions {
            try await TriggerConformance.eventually("\(definition.name) to run") { (try? await service.status(definition.name).state) == .running }
        }
    }

    func stop() async {
        task.cancel()
        await task.value
    }
}

/// The fire ids in the fire log of `trigger`, in order.
func fireIDs(_ store: any Store, _ trigger: String) async throws -> [String] {
    try await store.readOwn(FireLog.id(of: trigger), from: 0, limit: nil).compactMap { $0.event.name == "fire" ? $0.header.metadata["fire"] : nil }
}

/// Waits until the fire log of `trigger` has `count` fires, then returns their ids.
func waitForFires(_ store: any Store, _ trigger: String, count: Int) async throws -> [String] {
    try await TriggerConformance.eventually("\(count) fires of \(trigger)") { try await fireIDs(store, trigger).count >= count }
    return try await fireIDs(store, trigger)
}

/// Waits until the trigger's tasks sleep on the clock again (it has dealt with the last advance).
func waitIdle(_ clock: ManualTriggerClock, sleepers: Int = 2) async throws {
    try await TriggerConformance.eventually("the trigger to wait on the clock") { clock.sleeperCount >= sleepers }
}
