import CairnCore
import CairnTestSupport
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

    @Test func webhook() async throws {
        let trigger = try definition(
            "hook", #"{"type": "webhook", "signature_scheme": "header", "signature_header": "X-Token", "hmac_secret": "t0ken", "agent": "a"}"#)
        try await TriggerConformance(components: triggerComponents(), definition: trigger, minimumFires: 2) { stage in
            let ingress = try #require(stage.service.ingress(for: "/hooks/hook"))
            for delivery in ["d1", "d2", "d1"] {
                let answer = await ingress.receive(
                    IngressRequest(headers: [("X-Token", "t0ken"), ("X-Webhook-Id", delivery)], body: Data("{}".utf8), remoteAddress: "127.0.0.1"))
                #expect(answer.status == 202)
            }
            let refused = await ingress.receive(IngressRequest(headers: [("X-Token", "nope")], body: Data(), remoteAddress: "127.0.0.1"))
            #expect(refused.status == 401)
        }.run()
    }

    @Test func fileWatch() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let trigger = try definition(
            "inbox",
            #"{"type": "file_watch", "watch_path": "\#(folder.path)", "watch_patterns": ["*.csv"], "watch_debounce_seconds": 0.2, "agent": "a"}"#)
        try await TriggerConformance(components: triggerComponents(), definition: trigger, minimumFires: 1) { stage in
            if stage.round == 1 {
                // The watcher starts after the trigger reports running: give it a moment to set its watches, then write
                // until a fire is recorded (a bounded wait, not a fixed sleep).
                try await TriggerConformance.eventually("the watcher to see a new file") {
                    try Data("a,b\n".utf8).write(to: URL(fileURLWithPath: folder.path + "/\(UUID().uuidString).csv"))
                    try await Task.sleep(for: .milliseconds(300))
                    return try await !fireIDs(stage.store, "inbox").isEmpty
                }
            }
        }.run()
    }
}
