import CairnCore
import Foundation
import Synchronization
import Testing

/// A handler that echoes JSON inputs as `{"echo": ...}` and pauses otherwise.
struct EchoHandler: Handler {
    let calls = Counter()

    func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        calls.increment()
        guard let last = invocation.entries.last, last.event == .push, last.source != "handler", let digest = last.digest else {
            return [.pause("nothing to echo")]
        }
        let text = String(decoding: try await invocation.blobs.get(digest), as: UTF8.self)
        return [.text("echo: \(text)")]
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

@Suite("Runtime loop")
struct RuntimeTests {
    let store = MemoryStore()
    let clock = ManualWallClock()
    var sessions: Sessions { Sessions(store: store, clock: clock) }

    func events(_ id: SessionID) async throws -> [String] {
        try await SessionLog(store: store).entries(of: id).map(\.event.name)
    }

    func bodies(_ id: SessionID) async throws -> [String] {
        var result: [String] = []
        for entry in try await SessionLog(store: store).entries(of: id) {
            result.append(String(decoding: try await sessions.body(of: entry), as: UTF8.self))
        }
        return result
    }

    @Test func echoesThenPauses() async throws {
        let handler = EchoHandler()
        let runtime = Runtime(store: store, handler: handler, clock: clock)
        let session = try await sessions.create(source: "test")
        try await sessions.push(Data("hi".utf8), header: ObjectHeader(contentType: "text/plain"), to: session.id, source: "test")
        let report = try await runtime.drive(session.id)
        #expect(report.invocations == 2)
        #expect(report.status == .paused(reason: "nothing to echo"))
        #expect(try await events(session.id) == ["start", "push", "push", "pause"])
        #expect(try await bodies(session.id) == [#"{"event":"start"}"#, "hi", "echo: hi", #"{"event":"pause","reason":"nothing to echo"}"#])
        // Nothing new: driving again invokes nothing.
        #expect(try await runtime.drive(session.id).invocations == 0)
    }

    @Test func anInvocationThatWritesNothingPauses() async throws {
        let runtime = Runtime(store: store, handler: ClosureHandler { _ in [] }, clock: clock)
        let session = try await sessions.create(source: "test")
        let report = try await runtime.drive(session.id)
        #expect(report.invocations == 1)
        #expect(report.status == .paused(reason: "the handler wrote nothing"))
        let last = try #require(try await SessionLog(store: store).entries(of: session.id).last)
        #expect(last.event == .pause && last.source == "runtime")
    }

    @Test func theRunawayGuardStopsAHandlerThatNeverPauses() async throws {
        let runtime = Runtime(
            store: store, handler: ClosureHandler { _ in [.text("again")] }, clock: clock,
            options: RuntimeOptions(maxInvocations: 5))
        let session = try await sessions.create(source: "test")
        let report = try await runtime.drive(session.id)
        #expect(report.invocations == 5)
        guard case .failed(let message) = report.status else {
            Issue.record("expected failed, got \(report.status)")
            return
        }
        #expect(message.contains("runaway") && message.contains("5"))
        #expect(try await events(session.id) == ["start"] + Array(repeating: "push", count: 5) + ["error"])
    }

    @Test func aFailedInvocationAppendsOneErrorAndNothingElse() async throws {
        let runtime = Runtime(
            store: store,
            handler: ClosureHandler { invocation in
                throw HandlerFailure(ErrorReport(message: "exploded", kind: "exit", exitStatus: 3, stderrTail: "Traceback", snapshot: invocation.snapshot))
            }, clock: clock)
        let session = try await sessions.create(source: "test")
        let report = try await runtime.drive(session.id)
        #expect(report.status == .failed(message: "exploded"))
        #expect(try await events(session.id) == ["start", "error"])
        let errorEntry = try #require(try await SessionLog(store: store).entries(of: session.id).last)
        let decoded = try #require(ErrorReport.decode(try await sessions.body(of: errorEntry)))
        #expect(decoded == ErrorReport(message: "exploded", kind: "exit", exitStatus: 3, stderrTail: "Traceback", snapshot: 1))
        // A failed session waits; a wake retries it.
        #expect(try await runtime.drive(session.id).invocations == 0)
        try await sessions.wake(session.id, source: "test")
        #expect(try await runtime.drive(session.id).invocations == 1)
    }

    @Test func anyOtherErrorIsRecordedAsAHandlerError() async throws {
        struct Oops: Error {}
        let runtime = Runtime(store: store, handler: ClosureHandler { _ in throw Oops() }, clock: clock)
        let session = try await sessions.create(source: "test")
        guard case .failed(let message) = try await runtime.drive(session.id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(message.contains("Oops"))
    }

    @Test func outputsOfAnInvocationThatLostTheRaceAreDiscarded() async throws {
        let session = try await sessions.create(source: "test")
        let interfered = Mutex(false)
        let snapshots = Mutex<[Int]>([])
        let store = self.store, sessions = self.sessions
        let handler = ClosureHandler { invocation in
            snapshots.withLock { $0.append(invocation.snapshot) }
            // On the first call, someone else appends while the handler works.
            if !interfered.withLock({
                let was = $0; $0 = true; return was
            }) {
                try await sessions.push(Data("concurrent".utf8), header: ObjectHeader(contentType: "text/plain"), to: invocation.session.id, source: "other")
                return [.text("stale output")]
            }
            return [.pause("saw \(invocation.snapshot)")]
        }
        let report = try await Runtime(store: store, handler: handler, clock: clock).drive(session.id)
        #expect(snapshots.withLock { $0 } == [1, 2])
        #expect(report.status == .paused(reason: "saw 2"))
        #expect(try await bodies(session.id) == [#"{"event":"start"}"#, "concurrent", #"{"event":"pause","reason":"saw 2"}"#])
    }

    @Test func twoRuntimesNeverBothAnswerTheSameEvent() async throws {
        for _ in 0..<200 {
            let session = try await sessions.create(source: "test")
            try await sessions.push(Data("x".utf8), header: ObjectHeader(contentType: "text/plain"), to: session.id, source: "test")
            let a = Runtime(store: store, handler: EchoHandler(), clock: clock)
            let b = Runtime(store: store, handler: EchoHandler(), clock: clock)
            async let first = a.drive(session.id)
            async let second = b.drive(session.id)
            _ = try await (first, second)
            #expect(try await bodies(session.id) == [#"{"event":"start"}"#, "x", "echo: x", #"{"event":"pause","reason":"nothing to echo"}"#])
        }
    }

    @Test func sleepIsADurableTimer() async throws {
        let handler = ClosureHandler { invocation in
            invocation.entries.last?.event == .wake ? [.pause("done")] : [.sleep(seconds: 60, reason: "later")]
        }
        let session = try await sessions.create(source: "test")
        let report = try await Runtime(store: store, handler: handler, clock: clock).drive(session.id)
        #expect(report.status == .sleeping(until: clock.now().addingTimeInterval(60)))
        // A new runtime (as after a restart) finds the timer in the store.
        let restarted = Runtime(store: store, handler: handler, clock: clock)
        clock.advance(by: 30)
        #expect(try await restarted.wakeDueTimers().isEmpty)
        clock.advance(by: 30)
        #expect(try await restarted.wakeDueTimers() == [session.id])
        #expect(try await restarted.wakeDueTimers().isEmpty)
        #expect(try await restarted.drive(session.id).status == .paused(reason: "done"))
        #expect(try await events(session.id) == ["start", "sleep", "wake", "pause"])
    }

    @Test func aPushInterruptsASleep() async throws {
        let handler = ClosureHandler { invocation in
            invocation.entries.last?.event == .start ? [.sleep(seconds: 60)] : [.pause("pushed")]
        }
        let runtime = Runtime(store: store, handler: handler, clock: clock)
        let session = try await sessions.create(source: "test")
        _ = try await runtime.drive(session.id)
        try await sessions.push(Data("now".utf8), header: ObjectHeader(contentType: "text/plain"), to: session.id, source: "test")
        #expect(try await runtime.drive(session.id).status == .paused(reason: "pushed"))
        clock.advance(by: 120)
        #expect(try await runtime.wakeDueTimers().isEmpty)
    }

    @Test func forkOutputsStartChildSessionsThatRunOnceDrives() async throws {
        let handler = ClosureHandler { invocation in
            switch invocation.entries.last?.event {
            case .start?:
                return [
                    .text("parent output"),
                    HandlerOutput(header: ObjectHeader(contentType: "text/plain", name: "task"), body: .data(Data("child work".utf8)), fork: true),
                ]
            case .push? where invocation.entries.last?.header.name == "task": return [.pause("child paused")]
            default: return [.pause("parent paused")]
            }
        }
        let runtime = Runtime(store: store, handler: handler, clock: clock)
        let parent = try await sessions.create(source: "test")
        let reports = try await runtime.runOnce(.sessions([parent.id]))
        #expect(reports.count == 2)
        let child = try #require(reports[0].spawned.first)
        let childInfo = try await store.sessionInfo(child)
        #expect(childInfo.parent == parent.id && childInfo.forkPoint == 2)
        #expect(try await events(child) == ["start", "push", "fork", "push", "pause"])
        #expect(try await bodies(child).suffix(2) == ["child work", #"{"event":"pause","reason":"child paused"}"#])
        #expect(try await bodies(parent.id) == [#"{"event":"start"}"#, "parent output", #"{"event":"pause","reason":"parent paused"}"#])
    }

    @Test func crossSessionOutputsAreDeliveredAndBadTargetsRejected() async throws {
        let target = try await sessions.create(source: "test")
        let missing = SessionID.generate(at: clock.now())
        let goodHandler = ClosureHandler { invocation in
            invocation.entries.count == 1
                ? [HandlerOutput(header: ObjectHeader(contentType: "text/plain"), body: .data(Data("hello".utf8)), session: target.id)]
                : [.pause()]
        }
        let source = try await sessions.create(source: "test")
        _ = try await Runtime(store: store, handler: goodHandler, clock: clock).drive(source.id)
        let delivered = try #require(try await SessionLog(store: store).entries(of: target.id).last)
        #expect(delivered.event == .push && delivered.header.metadata["cairn.from"] == source.id.rawValue)
        #expect(try await events(source.id) == ["start", "pause"])

        let badHandler = ClosureHandler { _ in [HandlerOutput(header: ObjectHeader(), body: .data(Data("x".utf8)), session: missing)] }
        let other = try await sessions.create(source: "test")
        guard case .failed(let message) = try await Runtime(store: store, handler: badHandler, clock: clock).drive(other.id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(message.contains("does not exist"))
    }

    @Test func invalidSleepDurationsFailTheInvocation() async throws {
        let handler = ClosureHandler { _ in
            [HandlerOutput(header: ObjectHeader(contentType: ContentTypes.pause, metadata: ["duration": "soon"]), body: .data(Data()))]
        }
        let session = try await sessions.create(source: "test")
        guard case .failed(let message) = try await Runtime(store: store, handler: handler, clock: clock).drive(session.id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(message.contains("'soon' is not a duration"))
    }

    @Test func finishedSessionsAreNeverInvokedOrWokenAgain() async throws {
        let runtime = Runtime(store: store, handler: ClosureHandler { _ in [.finish("all done")] }, clock: clock)
        let session = try await sessions.create(source: "test")
        #expect(try await runtime.drive(session.id).status == .finished)
        await #expect(throws: CairnError.self) { try await sessions.wake(session.id, source: "test") }
        await #expect(throws: CairnError.self) {
            try await sessions.push(Data("more".utf8), header: ObjectHeader(), to: session.id, source: "test")
        }
        // Another session's handler cannot write into it either.
        let writer = ClosureHandler { _ in [HandlerOutput(header: ObjectHeader(), body: .data(Data("x".utf8)), session: session.id)] }
        let other = try await sessions.create(source: "test")
        guard case .failed(let message) = try await Runtime(store: store, handler: writer, clock: clock).drive(other.id).status else {
            Issue.record("expected failure")
            return
        }
        #expect(message.contains("is finished"))
    }

    @Test func uriOutputsAreFetchedAndStored() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-uri-\(UUID().uuidString)")
        try Data("from a file".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let handler = ClosureHandler { invocation in
            invocation.entries.count == 1 ? [HandlerOutput(header: ObjectHeader(contentType: "text/plain"), body: .uri(file.absoluteString))] : [.pause()]
        }
        let session = try await sessions.create(source: "test")
        _ = try await Runtime(store: store, handler: handler, clock: clock).drive(session.id)
        #expect(try await bodies(session.id)[1] == "from a file")
    }

    @Test func forkingChecksTheForkPoint() async throws {
        let session = try await sessions.create(source: "test")
        try await sessions.push(Data("a".utf8), header: ObjectHeader(), to: session.id, source: "test")
        await #expect(throws: CairnError.self) { try await sessions.fork(session.id, at: 3, source: "test") }
        await #expect(throws: CairnError.self) { try await sessions.fork(session.id, at: 0, source: "test") }
        let child = try await sessions.fork(session.id, at: 1, source: "test")
        #expect(try await events(child.id) == ["start", "fork"])
    }
}
