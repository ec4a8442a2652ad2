import CairnCore
import CairnTestSupport
import CairnTesting
import Foundation
import Testing

@Suite("Workflow replayer")
struct WorkflowReplayerTests {
    /// Replays `history` against `change` and returns the nondeterminism it must throw.
    func divergence(_ history: SessionHistory, _ change: Fulfilment.Change, effects: Effects) async throws -> NondeterminismError {
        do {
            let report = try await WorkflowReplayer(Fulfilment(effects: effects, change: change)).replay(history)
            Issue.record("expected a nondeterminism error, got \(report)")
            throw CancellationError()
        } catch let error as NondeterminismError {
            return error
        }
    }

    @Test func aFinishedRunReplaysToTheSameResultWithoutRunningAnything() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let ran = recording.effects.total
        #expect(ran == 7)  // reserve, 3 quotes, box, gift wrap, ship
        let report = try await WorkflowReplayer(Fulfilment(effects: recording.effects)).replay(recording.finished)
        guard case .finished(let result) = report.outcome else {
            Issue.record("expected a finished replay, got \(report)")
            return
        }
        #expect(String(decoding: result, as: UTF8.self).hasPrefix(#""shipped hold-A-1 in box-A-1 quotes [0, 10, 20] approved true"#))
        #expect(report.replayedSteps == 13)
        #expect(report.unreachedSteps == 0)
        #expect(report.isFinished)
        #expect(report.session == recording.driver.session)
        #expect(recording.effects.total == ran)
    }

    @Test func aRenamedStepIsANondeterminismAtItsPosition() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let ran = recording.effects.total
        for history in [recording.waiting, recording.finished] {
            let error = try await divergence(history, .renameReserve, effects: recording.effects)
            #expect(error == NondeterminismError(position: "3", recorded: "step 'reserve stock'", asked: "step 'reserve items'"))
            #expect(
                error.description == "nondeterminism at step position 3: the log recorded step 'reserve stock' but the workflow asked for step 'reserve items'")
        }
        #expect(recording.effects.total == ran)
    }

    @Test func anInsertedStepIsANondeterminismWhereItWasInserted() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let error = try await divergence(recording.sleeping, .insertFraudCheck, effects: recording.effects)
        #expect(error == NondeterminismError(position: "3", recorded: "step 'reserve stock'", asked: "step 'fraud check'"))
        #expect(recording.effects["fraud check"] == 0)
    }

    @Test func aRemovedStepIsANondeterminismWhereTheNextCallLands() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let error = try await divergence(recording.signalled, .removeReserve, effects: recording.effects)
        #expect(error == NondeterminismError(position: "3", recorded: "step 'reserve stock'", asked: "step 'quote[0]'"))
        // A step removed at the end is found when the run returns without asking for it.
        let last = try await divergence(recording.finished, .removeShip, effects: recording.effects)
        #expect(last == NondeterminismError(position: "11", recorded: "step 'ship'", asked: nil))
        #expect(last.description == "nondeterminism at step position 11: the log recorded step 'ship' but the workflow finished without asking for it")
    }

    @Test func aFinishedRunThatTheCodeWouldContinueIsANondeterminism() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let finishSeq = try #require(recording.finished.entries.last { $0.entry.event == .finish }).entry.seq
        let error = try await divergence(recording.finished, .appendNotify, effects: recording.effects)
        #expect(error == NondeterminismError(position: "12", recorded: "nothing (the run finished at entry #\(finishSeq))", asked: "step 'notify'"))
        #expect(recording.effects["notify"] == 0)
    }

    @Test func aChangedResultIsAMismatch() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        do {
            _ = try await WorkflowReplayer(Fulfilment(effects: recording.effects, change: .changeResult)).replay(recording.finished)
            Issue.record("expected a mismatch")
        } catch let mismatch as ReplayMismatch {
            #expect(mismatch.recorded.hasPrefix(#"finished with result "shipped hold-A-1"#))
            #expect(mismatch.replayed.hasPrefix(#"returned "SHIPPED HOLD-A-1"#))
            #expect(mismatch.description.contains("does not end as its history"))
        }
    }

    @Test func aRunWaitingForASignalReplaysUpToItWithoutRunningWhatFollows() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let ran = recording.effects.total
        // Waiting (paused) and with the signal pushed but not yet handled: the replay stops at the
        // signal either way, since its record is not in the history.
        for history in [recording.waiting, recording.signalled] {
            let report = try await WorkflowReplayer(Fulfilment(effects: recording.effects)).replay(history)
            #expect(report.outcome == .inProgress(position: "9", waitingFor: "signal 'approval'"))
            #expect(report.replayedSteps == 10)
            #expect(!report.isFinished)
            // Code changed after the end of the history is not compared: nothing recorded there yet.
            let changed = try await WorkflowReplayer(Fulfilment(effects: recording.effects, change: .stepAfterSignal)).replay(history)
            #expect(changed.outcome == report.outcome)
        }
        #expect(recording.effects.total == ran)
        #expect((recording.effects["ship"], recording.effects["audit"]) == (1, 0))
    }

    @Test func aSleepingRunStopsAtItsTimer() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let report = try await WorkflowReplayer(Fulfilment(effects: recording.effects)).replay(recording.sleeping)
        guard case .inProgress(let position, let waitingFor) = report.outcome else {
            Issue.record("expected an in-progress replay, got \(report)")
            return
        }
        #expect(position == "10")
        #expect(waitingFor.hasPrefix("sleep 'cooling off' until "))
        #expect(report.replayedSteps == 12)
        #expect(recording.effects["ship"] == 1)
    }

    @Test func aStepAddedInsideAChildStopsThereAndCountsWhatItDidNotReach() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let report = try await WorkflowReplayer(Fulfilment(effects: recording.effects, change: .addStepInChild)).replay(recording.waiting)
        #expect(report.outcome == .inProgress(position: "7/1", waitingFor: "step 'tape'"))
        #expect(report.unreachedSteps == 1)  // gift wrap, at 8
        #expect(recording.effects["tape"] == 0)
    }

    @Test func aRunStartedBeforeAPatchReplaysOnItsOldPathAndAnUnguardedChangeIsCaught() async throws {
        let driver = try await Driver()
        defer { driver.cleanup() }
        try await driver.push(#""A-1""#, name: "input")
        let old = Fulfilment(effects: driver.effects, patchList: [])
        try await driver.drive(old)
        try await driver.push("true", name: "approval")
        try await driver.drive(old)
        let history = try await driver.exportThroughJSON()  // sleeping, its signal recorded at 8
        // The new code has the patch, but the run recorded none: patched("gift-wrap") is false.
        let report = try await WorkflowReplayer(Fulfilment(effects: driver.effects)).replay(history)
        guard case .inProgress(let position, let waitingFor) = report.outcome else {
            Issue.record("expected an in-progress replay, got \(report)")
            return
        }
        #expect(position == "9" && waitingFor.hasPrefix("sleep 'cooling off'"))
        let error = try await divergence(history, .unguardedGiftWrap, effects: driver.effects)
        #expect(error == NondeterminismError(position: "8", recorded: "signal 'approval'", asked: "step 'gift wrap'"))
        #expect(driver.effects["gift wrap"] == 0)
    }

    struct Failing: Workflow {
        let effects: Effects
        var message = "card declined"
        func run(_ context: WorkflowContext, _ input: String) async throws -> String {
            _ = try await context.step("reserve") {
                effects.ran("reserve"); return 1
            }
            return try await context.step("charge") { () -> String in throw CairnError.invalidArgument(message) }
        }
    }

    struct Compensating: Workflow {
        func run(_ context: WorkflowContext, _ input: String) async throws -> String {
            _ = try await context.step("reserve") { 1 }
            do {
                return try await context.step("charge") { "never" }
            } catch {
                return "compensated"
            }
        }
    }

    @Test func aFailedRunReplaysToTheSameFailure() async throws {
        let driver = try await Driver(agent: "failing")
        defer { driver.cleanup() }
        try await driver.push(#""A-1""#, name: "input")
        guard case .failed = try await driver.drive(Failing(effects: driver.effects)) else {
            Issue.record("expected the run to fail")
            return
        }
        let history = try await driver.exportThroughJSON()
        let report = try await WorkflowReplayer(Failing(effects: driver.effects)).replay(history)
        #expect(report.outcome == .failed(message: "workflow failed: step 'charge' (position 1) failed: card declined"))
        #expect(report.replayedSteps == 2)
        #expect(driver.effects["reserve"] == 1)
        // Catching the recorded failure changes how the run ends.
        await #expect(throws: ReplayMismatch.self) { try await WorkflowReplayer(Compensating()).replay(history) }
    }

    @Test func aFixtureFileReplays() async throws {
        let recording = try await Recording()
        defer { recording.driver.cleanup() }
        let file = URL(fileURLWithPath: recording.driver.folder.path).appendingPathComponent("fixture.json")
        try recording.finished.jsonData().write(to: file)
        let report = try await WorkflowReplayer(Fulfilment(effects: recording.effects)).replay(contentsOf: file)
        #expect(report.isFinished)
        await #expect(throws: CairnError.self) {
            try await WorkflowReplayer(Fulfilment(effects: recording.effects)).replay(contentsOf: file.appendingPathExtension("missing"))
        }
    }
}
