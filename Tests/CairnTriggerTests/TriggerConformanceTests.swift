import CairnCore
import CairnTriggerConformance
import CairnTriggers
import Foundation
import Testing

@Suite("Trigger kinds pass the conformance kit")
struct TriggerConformanceTests {
    @Test func cron() async throws {
        let trigger = try definition("hourly", #"{"type": "cron", "cron_expression": "0 * * * *", "agent": "reporter", "missed": "all"}"#)
        try await TriggerConformance(components: triggerComponents(), definition: trigger, minimumFires: 2) { stage in
            if stage.round == 1 { stage.clock.advance(by: 2 * 3600) }
        }.run()
    }

    @Test func interval() async throws {
        let trigger = try definition("every5", #"{"type": "interval", "interval_seconds": 5, "jitter_seconds": 2, "agent": "poller", "missed": "all"}"#)
        try await TriggerConformance(components: triggerComponents(), definition: trigger, minimumFires: 3) { stage in
            if stage.round == 1 { stage.clock.advance(by: 16) }
        }.run()
    }

    @Test func event() async throws {
        let trigger = try definition(
            "replies", #"{"type": "event", "event_type": "push", "from_agent": "writer", "agent": "reviewer", "poll_interval_seconds": 0.05}"#)
        try await TriggerConformance(components: triggerComponents(), definition: trigger, minimumFires: 1) { stage in
            if stage.round == 1 {
                let sessions = Sessions(store: stage.store, clock: stage.clock)
                let writer = try await sessions.create(agent: "writer", source: "cli")
                stage.clock.advance(by: 1)
                try await sessions.push(Data("draft".utf8), header: ObjectHeader(contentType: ContentTypes.text), to: writer.id, source: "handler")
            }
            // The second round restarts on the same store: the entry is seen again and must not fire twice.
            stage.clock.advance(by: 1)
        }.run()
    }
}
