import CairnCore
import Foundation
import Synchronization
import Testing

/// Counts how often each named effect really ran.
final class EffectLog: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func ran(_ name: String) { counts.withLock { $0[name, default: 0] += 1 } }
    subscript(_ name: String) -> Int { counts.withLock { $0[name] ?? 0 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}

struct ThreeSteps: Workflow {
    let effects: EffectLog
    var names = ["a", "b", "c"]

    func run(_ context: WorkflowContext, _ input: Int) async throws -> Int {
        var total = input
        for name in names {
            total += try await context.step(name) {
                effects.ran(name); return name.count * 10
            }
        }
        return total
    }
}

@Suite("Durable workflows")
struct WorkflowTests {
    let store = MemoryStore()
    let clock = ManualWallClock()
    var sessions: Sessions { Sessions(store: store, clock: clock) }

    func start<W: Workflow>(_ workflow: W, input: W.Input) async throws -> SessionID {
        let session = try await sessions.create(source: "test")
        let data = try JSONEncoder().encode(input)
        try await sessions.push(data, header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        return session.id
    }

    func drive<W: Workflow>(_ workflow: W, _ id: SessionID) async throws -> DriveReport {
        try await Runtime(store: store, handler: WorkflowHandler(workflow, clock: clock), clock: clock).drive(id)
    }

    func steps(_ id: SessionID) async throws -> [StepRecord] {
        var records: [StepRecord] = []
        for entry in try await SessionLog(store: store).entries(of: id) where entry.event == .step {
            if let record = StepRecord(entry: entry, body: try await store.body(of: entry)), record.position != "patches" { records.append(record) }
        }
        return records
    }

    func result(_ id: SessionID) async throws -> Data? {
        guard let entry = try await SessionLog(store: store).entries(of: id).last(where: { $0.header.name == "result" }) else { return nil }
        return try await store.body(of: entry)
    }

    func errorReport(_ id: SessionID) async throws -> ErrorReport? {
        guard let last = try await SessionLog(store: store).entries(of: id).last, last.event == .error else { return nil }
        return ErrorReport.decode(try await store.body(of: last))
    }

    @Test func stepsRunOnceAndReplayFromTheirRecords() async throws {
        let effects = EffectLog()
        let id = try await start(ThreeSteps(effects: effects), input: 1)
        #expect(try await drive(ThreeSteps(effects: effects), id).status == .finished)
        #expect(try await result(id) == Data("31".utf8))
        #expect(try await steps(id).map(\.position) == ["0", "1", "2"])
        #expect(effects.total == 3)
        // Replay a copy of the log cut after the second step: only the third step runs again.
        let entries = try await SessionLog(store: store).entries(of: id)
        let afterB = try #require(entries.first { $0.event == .step && $0.header.name == "b" })
        let fork = try await sessions.fork(id, at: afterB.seq + 1, source: "test")
        #expect(try await drive(ThreeSteps(effects: effects), fork.id).status == .finished)
        #expect((effects["a"], effects["b"], effects["c"]) == (1, 1, 2))
        #expect(try await result(fork.id) == Data("31".utf8))
    }

    @Test func aChangedWorkflowFailsWithANondeterminismErrorNamingTheStep() async throws {
        let effects = EffectLog()
        let id = try await start(ThreeSteps(effects: effects), input: 1)
        _ = try await drive(ThreeSteps(effects: effects), id)
        let entries = try await SessionLog(store: store).entries(of: id)
        let afterC = try #require(entries.first { $0.event == .step && $0.header.name == "c" })
        let fork = try await sessions.fork(id, at: afterC.seq + 1, source: "test")
        var changed = ThreeSteps(effects: effects)
        changed.names = ["a", "x", "c"]
        guard case .failed = try await drive(changed, fork.id).status else {
            Issue.record("expected failure")
            return
        }
        let report = try #require(try await errorReport(fork.id))
        #expect(report.kind == "nondeterminism")
        #expect(report.message == "nondeterminism at step position 1: the log recorded step 'b' but the workflow asked for step 'x'")
        #expect(effects["x"] == 0)

        // Dropping a recorded step is caught too, when the run ends.
        let again = try await sessions.fork(id, at: afterC.seq + 1, source: "test")
        var shorter = ThreeSteps(effects: effects)
        shorter.names = ["a", "b"]
        _ = try await drive(shorter, again.id)
        #expect(
            try await errorReport(again.id)?.message
                == "nondeterminism at step position 2: the log recorded step 'c' but the workflow finished without asking for it")
    }

    struct Approval: Workflow {
        let effects: EffectLog
        struct Decision: Codable, Sendable { var approved: Bool }

        func run(_ context: WorkflowContext, _ order: String) async throws -> String {
            _ = try await context.step("reserve") {
                effects.ran("reserve"); return "reserved \(order)"
            }
            let decision = try await context.signal("approval", as: Decision.self)
            guard decision.approved else { return "rejected" }
            try await context.sleep(for: .seconds(3600), reason: "cooling off")
            return try await context.step("ship") {
                effects.ran("ship"); return "shipped \(order)"
            }
        }
    }

    @Test func signalsAndTimersSurviveRestarts() async throws {
        let effects = EffectLog()
        let id = try await start(Approval(effects: effects), input: "order-7")
        guard case .paused(let reason) = try await drive(Approval(effects: effects), id).status else {
            Issue.record("expected a pause")
            return
        }
        #expect(reason.contains("approval"))
        // An unrelated push wakes the workflow, which goes back to waiting.
        try await sessions.push(Data("{}".utf8), header: ObjectHeader(contentType: "application/json", name: "noise"), to: id, source: "test")
        guard case .paused = try await drive(Approval(effects: effects), id).status else {
            Issue.record("expected a pause")
            return
        }
        try await sessions.push(
            Data(#"{"approved":true}"#.utf8), header: ObjectHeader(contentType: "application/json", name: "approval"), to: id, source: "test")
        // A new runtime, as after a restart.
        let status = try await drive(Approval(effects: effects), id).status
        #expect(status == .sleeping(until: Timestamps.truncatedToMilliseconds(clock.now().addingTimeInterval(3600))))
        clock.advance(by: 3599)
        #expect(try await Runtime(store: store, handler: WorkflowHandler(Approval(effects: effects), clock: clock), clock: clock).wakeDueTimers().isEmpty)
        clock.advance(by: 2)
        let runtime = Runtime(store: store, handler: WorkflowHandler(Approval(effects: effects), clock: clock), clock: clock)
        #expect(try await runtime.wakeDueTimers() == [id])
        #expect(try await runtime.drive(id).status == .finished)
        #expect(try await result(id) == Data(#""shipped order-7""#.utf8))
        #expect((effects["reserve"], effects["ship"]) == (1, 1))
        #expect(try await steps(id).map(\.kind) == [.step, .signal, .sleep, .step])
    }

    struct Deterministic: Workflow {
        func run(_ context: WorkflowContext, _ input: Int) async throws -> [String] {
            let now = try await context.now()
            let number = try await context.random(in: 0...1_000_000)
            let id = try await context.uuid()
            return ["\(Timestamps.milliseconds(now))", "\(number)", id.uuidString]
        }
    }

    @Test func nowRandomAndUUIDAreRecordedAndReplayed() async throws {
        let id = try await start(Deterministic(), input: 0)
        _ = try await drive(Deterministic(), id)
        let first = try #require(try await result(id))
        let entries = try await SessionLog(store: store).entries(of: id)
        let lastStep = try #require(entries.last { $0.event == .step })
        clock.advance(by: 100)
        let fork = try await sessions.fork(id, at: lastStep.seq + 1, source: "test")
        _ = try await drive(Deterministic(), fork.id)
        #expect(try await result(fork.id) == first)
    }

    struct Policies: Workflow {
        let effects: EffectLog
        func run(_ context: WorkflowContext, _ input: Int) async throws -> [String] {
            let flaky = try await context.step("flaky", policy: RetryPolicy(backoff: [.milliseconds(1), .milliseconds(1)], jitter: 0)) {
                effects.ran("flaky")
                if effects["flaky"] < 3 { throw CairnError.storage("transient") }
                return "ok after \(effects["flaky"])"
            }
            var slow = "finished"
            do {
                slow = try await context.step("slow", timeout: .milliseconds(50)) {
                    try await Task.sleep(for: .seconds(30))
                    return "never"
                }
            } catch let failure as StepFailed {
                slow = failure.message
            }
            let branches = try await context.all(
                "fan",
                (0..<5).map { index in
                    { @Sendable in
                        try await Task.sleep(for: .milliseconds((5 - index) * 3))
                        return index * index
                    }
                })
            let answers = Mutex(["b", "a", "a", "c", "a", "a"])
            let voted = try await context.vote("vote", margin: 2, maxSamples: 6) { answers.withLock { $0.removeFirst() } }
            let scoped = try await context.child("child") { child in try await child.step("inner") { "inside" } }
            return [flaky, slow, branches.map(String.init).joined(separator: ","), voted, scoped]
        }
    }

    @Test func retriesTimeoutsFanOutVotingAndChildScopes() async throws {
        let effects = EffectLog()
        let id = try await start(Policies(effects: effects), input: 0)
        #expect(try await drive(Policies(effects: effects), id).status == .finished)
        let output = try JSONDecoder().decode([String].self, from: try #require(try await result(id)))
        #expect(output == ["ok after 3", "timed out after 0.05 seconds", "0,1,4,9,16", "a", "inside"])
        let records = try await steps(id)
        #expect(records.first { $0.name == "flaky" }?.attempts == 3)
        #expect(records.first { $0.name == "slow" }?.succeeded == false)
        #expect(Set(records.filter { $0.name.hasPrefix("fan[") }.map(\.position)) == ["2", "3", "4", "5", "6"])
        #expect(records.filter { $0.name.hasPrefix("vote#") }.count == 5)
        #expect(records.first { $0.name == "inner" }?.position.hasSuffix("/0") == true)
        // Replayed from its records, the same result, and nothing runs again.
        let lastStep = try #require(try await SessionLog(store: store).entries(of: id).last { $0.event == .step })
        let fork = try await sessions.fork(id, at: lastStep.seq + 1, source: "test")
        #expect(try await drive(Policies(effects: effects), fork.id).status == .finished)
        #expect(try await result(fork.id) == (try await result(id)))
        #expect(effects["flaky"] == 3)
    }

    struct Versioned: Workflow {
        let effects: EffectLog
        let useVersions: Bool
        var patches: [String] { useVersions ? ["extra-check"] : [] }
        func run(_ context: WorkflowContext, _ input: Int) async throws -> String {
            _ = try await context.step("first") { "one" }
            var path = "old"
            if useVersions, context.version("extra-check", min: 1, max: 2) >= 2 {
                path = try await context.step("extra") {
                    effects.ran("extra"); return "new"
                }
            }
            _ = try await context.signal("go", as: Bool.self)
            _ = try await context.step("last") { "done" }
            return path
        }
    }

    @Test func versionMarkersLetRunsInFlightKeepTheirOldPath() async throws {
        let effects = EffectLog()
        // A run started by the old code, waiting for its signal when the new code is deployed.
        let old = try await start(Versioned(effects: effects, useVersions: false), input: 0)
        _ = try await drive(Versioned(effects: effects, useVersions: false), old)
        try await sessions.push(Data("true".utf8), header: ObjectHeader(contentType: "application/json", name: "go"), to: old, source: "test")
        #expect(try await drive(Versioned(effects: effects, useVersions: true), old).status == .finished)
        #expect(try await result(old) == Data(#""old""#.utf8))
        // A run started by the new code takes the new path.
        let new = try await start(Versioned(effects: effects, useVersions: true), input: 0)
        _ = try await drive(Versioned(effects: effects, useVersions: true), new)
        try await sessions.push(Data("true".utf8), header: ObjectHeader(contentType: "application/json", name: "go"), to: new, source: "test")
        #expect(try await drive(Versioned(effects: effects, useVersions: true), new).status == .finished)
        #expect(try await result(new) == Data(#""new""#.utf8))
        #expect(effects["extra"] == 1)
    }

    @Test func failedStepsFailTheRunTheSameWayOnReplay() async throws {
        struct Failing: Workflow {
            func run(_ context: WorkflowContext, _ input: Int) async throws -> Int {
                try await context.step("explode") { () -> Int in throw CairnError.invalidArgument("card declined") }
            }
        }
        let id = try await start(Failing(), input: 0)
        guard case .failed(let message) = try await drive(Failing(), id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(message.contains("card declined") && message.contains("explode"))
        try await sessions.wake(id, source: "test")
        guard case .failed(let again) = try await drive(Failing(), id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(again == message)
        #expect(try await steps(id).count == 1)
    }

    @Test func concurrentRecordsAreGroupCommitted() async throws {
        let counting = CountingStore(MemoryStore())
        let session = try await Sessions(store: counting).create(source: "test")
        let journal = Journal(store: counting, session: session.id, length: 1)
        counting.appends.withLock { $0 = 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask {
                    _ = try await journal.record(
                        EntryDraft(
                            event: .step, header: ObjectHeader(name: "s\(i)", metadata: ["position": "\(i)", "kind": "step"]), time: Date(), source: "t"))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await counting.ownHead(session.id).length == 65)
        #expect(counting.appends.withLock { $0 } < 64)
    }

    @Test func aPushArrivingMidRunIsSeenByTheNextInvocation() async throws {
        struct WaitsForSignal: Workflow {
            let sessions: Sessions
            func run(_ context: WorkflowContext, _ input: String) async throws -> Bool {
                _ = try await context.step("meanwhile") {
                    // The signal arrives while this step runs.
                    try await sessions.push(
                        Data("true".utf8), header: ObjectHeader(contentType: "application/json", name: "go"),
                        to: try SessionID(input), source: "test")
                    return 1
                }
                return try await context.signal("go", as: Bool.self)
            }
        }
        let session = try await sessions.create(source: "test")
        let input = try JSONEncoder().encode(session.id.rawValue)
        try await sessions.push(input, header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        #expect(try await drive(WaitsForSignal(sessions: sessions), session.id).status == .finished)
        #expect(try await result(session.id) == Data("true".utf8))
    }
}

/// A store that counts appends (to observe group commit).
final class CountingStore: Store {
    let inner: MemoryStore
    let appends = Mutex(0)
    init(_ inner: MemoryStore) { self.inner = inner }
    func put(_ data: Data) async throws -> Digest { try await inner.put(data) }
    func get(_ digest: Digest) async throws -> Data { try await inner.get(digest) }
    func contains(_ digest: Digest) async throws -> Bool { try await inner.contains(digest) }
    func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] { try await inner.createSession(info, initial: initial) }
    func sessionInfo(_ id: SessionID) async throws -> SessionInfo { try await inner.sessionInfo(id) }
    func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) { try await inner.ownHead(id) }
    func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        appends.withLock { $0 += 1 }
        try await Task.sleep(for: .milliseconds(1))
        return try await inner.append(entries, to: id, expectedLength: expectedLength)
    }
    func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] { try await inner.readOwn(id, from: from, limit: limit) }
    func listSessions() async throws -> [SessionInfo] { try await inner.listSessions() }
    func dueTimers(at now: Date) async throws -> [DueTimer] { try await inner.dueTimers(at: now) }
}
