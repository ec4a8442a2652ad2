import CairnCore
import CairnFileStore
import CairnTriggers
import Foundation
import Testing

@Suite("Fires are recorded and pushed exactly once")
struct FireRecordingTests {
    func temporaryStore() throws -> FileStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-triggers-\(UUID().uuidString)")
        return try FileStore(root: folder.path, create: true)
    }

    @Test func twoNodesRecordTheSameFireOnce() async throws {
        let store = try temporaryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition("hook", #"{"type": "interval", "interval_seconds": 3600, "agent": "a"}"#)
        let nodes = try await [
            RunningService(store: store, clock: clock, definitions: [trigger]), RunningService(store: store, clock: clock, definitions: [trigger]),
        ]
        let outcomes = try await withThrowingTaskGroup(of: FireOutcome.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await nodes[index % 2].service.fire("hook", payload: Data("{}".utf8), contentType: ContentTypes.json, id: "delivery-1")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for node in nodes {
            // Each node read the other's entry after losing a race, and applied its own: counted once.
            #expect(try await node.service.status("hook").fireCount == 1)
            await node.stop()
        }
        let reopened = try await FireLog(trigger: "hook", store: store, clock: clock)
        #expect(await reopened.summary.fireCount == 1)
        let recorded = outcomes.filter { if case .recorded = $0 { true } else { false } }
        #expect(recorded.count == 1)
        #expect(Set(outcomes.compactMap(\.receipt?.session)).count == 1)
        #expect(try await fireIDs(store, "hook") == ["delivery-1"])
        let session = try #require(outcomes.first?.receipt?.session)
        let pushes = try await store.readOwn(session, from: 0, limit: nil).filter { $0.event == .push }
        #expect(pushes.count == 1)
        #expect(pushes.first?.source == "trigger")
        #expect(pushes.first?.header.metadata["trigger"] == "hook")
        #expect(try await store.sessionInfo(session).agent == "a")
    }

    @Test func aFireRecordedButNotPushedIsPushedWhenTheTriggerStarts() async throws {
        let store = try temporaryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        // A crash between recording and pushing: the fire log has the fire, its session does not exist.
        let log = try await FireLog(trigger: "crashy", store: store, clock: clock)
        let fire = TriggerFire(id: "f1", time: clock.now(), payload: Data(#"{"n":1}"#.utf8))
        let session = FireDelivery.session(for: .newSession(agent: "a"), trigger: "crashy", fireID: "f1", time: fire.time)
        _ = try await log.claim(fire, session: session, payload: try await store.put(fire.payload))
        await #expect(throws: CairnError.self) { try await store.sessionInfo(session) }

        let trigger = try definition("crashy", #"{"type": "interval", "interval_seconds": 3600, "agent": "a"}"#)
        let node = try await RunningService(store: store, clock: clock, definitions: [trigger])
        await node.stop()
        let entries = try await store.readOwn(session, from: 0, limit: nil)
        #expect(entries.map(\.event) == [.start, .push])
        #expect(try await store.get(try #require(entries[1].digest)) == fire.payload)
        // A second start finds it delivered and a checkpoint after it: nothing more is appended.
        let again = try await RunningService(store: store, clock: clock, definitions: [trigger])
        await again.stop()
        #expect(try await store.readOwn(session, from: 0, limit: nil).count == 2)
    }

    @Test func fireIntoASharedSessionAppendsEachFireOnce() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition("inbox", #"{"type": "interval", "interval_seconds": 3600, "agent": "a", "session": "shared"}"#)
        let nodes = try await [
            RunningService(store: store, clock: clock, definitions: [trigger]), RunningService(store: store, clock: clock, definitions: [trigger]),
        ]
        for id in ["x", "y", "x", "z", "y"] {
            for node in nodes { _ = try await node.service.fire("inbox", payload: Data("{}".utf8), contentType: ContentTypes.json, id: id) }
        }
        for node in nodes { await node.stop() }
        let session = FireDelivery.session(for: .sharedSession(agent: "a"), trigger: "inbox", fireID: "", time: clock.now())
        let fires = try await store.readOwn(session, from: 0, limit: nil).compactMap { $0.header.metadata["fire"] }
        #expect(fires == ["x", "y", "z"])
    }

    @Test func aFilterRefusesFiresWithoutRecordingThem() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition(
            "pushes", #"{"type": "interval", "interval_seconds": 3600, "agent": "a", "filter_expression": "payload['ref'] == 'refs/heads/main'"}"#)
        let node = try await RunningService(store: store, clock: clock, definitions: [trigger])
        let main = try await node.service.fire("pushes", payload: Data(#"{"ref": "refs/heads/main"}"#.utf8), contentType: ContentTypes.json)
        let other = try await node.service.fire("pushes", payload: Data(#"{"ref": "refs/heads/dev"}"#.utf8), contentType: ContentTypes.json)
        await node.stop()
        #expect(main.receipt != nil)
        #expect(other == .filtered)
        #expect(try await fireIDs(store, "pushes").count == 1)
    }

    @Test func fireCountsSurviveRestartsAndCheckpoints() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let trigger = try definition("count", #"{"type": "interval", "interval_seconds": 3600, "agent": "a"}"#)
        for round in 0..<3 {
            let node = try await RunningService(store: store, clock: clock, definitions: [trigger])
            for index in 0..<4 { _ = try await node.service.fire("count", payload: Data("{}".utf8), contentType: ContentTypes.json, id: "\(round)-\(index)") }
            await node.stop()
        }
        let log = try await FireLog(trigger: "count", store: store, clock: clock, window: 2)
        let summary = await log.summary
        #expect(summary.fireCount == 12)
        #expect(summary.lastFire?.fireID == "2-3")
    }

    @Test func anIdleTriggerWritesNoCheckpoints() async throws {
        let store = MemoryStore()
        let clock = ManualTriggerClock(date("2026-06-01T00:00:00Z"))
        let log = try await FireLog(trigger: "idle", store: store, clock: clock)
        let fire = TriggerFire(id: "only", time: clock.now(), payload: Data("{}".utf8))
        _ = try await log.claim(fire, session: SessionID.derived(from: "s", at: clock.now()), payload: try await store.put(fire.payload))
        for _ in 0..<3 { try await log.checkpoint(through: await log.knownLength) }
        let kinds = try await store.readOwn(FireLog.id(of: "idle"), from: 0, limit: nil).map(\.event.name)
        #expect(kinds == ["start", "fire", "checkpoint"])
    }
}
