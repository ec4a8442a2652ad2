public import Foundation

/// How a replay-only run of a workflow ended (see ``WorkflowReplay``).
package enum WorkflowReplayEnd: Sendable, Equatable {
    /// `run` returned: its result, encoded as the handler records it (the push named `result`).
    case returned(Data)
    /// The run failed, with the message the handler records in its `error` entry (kind `workflow-failed`).
    case failed(String)
    /// The run reached a call it must not make live: one without a record, or a recorded sleep
    /// that had not ended at the replay's time.
    case stopped(ReplayStop)
    /// The log holds no input for the workflow: the run never started.
    case noInput
}

/// Replays a workflow against a recorded log with nothing live: every call must find its
/// record, and the first one that does not stops the run (``ReplayStop``) before its body
/// could run. Nothing is journaled and no step body, signal, clock or random source is used
/// beyond what the log recorded. The engine of `CairnTesting`'s `WorkflowReplayer`.
package struct WorkflowReplay<W: Workflow>: Sendable {
    /// The workflow replayed.
    package let workflow: W

    /// A replay of `workflow`.
    package init(_ workflow: W) {
        self.workflow = workflow
    }

    /// Replays the run recorded in `entries` (a session's whole logical log, oldest first).
    /// - Parameters:
    ///   - session: the session the log belongs to (what `WorkflowContext.session` answers).
    ///   - store: where the entries' bodies are. It is only read.
    ///   - now: what the replay's clock reads: a recorded sleep ending after it is still running.
    /// - Returns: how the run ended, how many recorded positions it replayed (the patch record not
    ///   counted), and how many it never reached (after a stop in the middle of the history).
    /// - Throws: ``NondeterminismError`` at the first call that does not match its record, or when
    ///   `run` returned without asking for a recorded position; store errors; `CancellationError`.
    package func run(session: SessionID, entries: [Entry], store: any Store, now: Date) async throws -> (end: WorkflowReplayEnd, replayed: Int, unreached: Int)
    {
        guard let inputEntry = WorkflowHandler<W>.inputEntry(in: entries) else { return (.noInput, 0, 0) }
        let input: W.Input
        do {
            input = try StepJSON.decode(W.Input.self, from: try await store.body(of: inputEntry))
        } catch {
            return (.failed(WorkflowHandler<W>.inputFailure(inputEntry, error)), 0, 0)
        }
        let history = WorkflowHistory(entries: entries, blobs: store)
        let clock = ManualWallClock(now)
        // Never written to: in replay-only mode every path that would record throws ReplayStop first.
        let journal = Journal(store: store, session: session, length: entries.count)
        let end: WorkflowReplayEnd
        do {
            let patches = try await WorkflowHandler<W>.patches(of: workflow, history: history, journal: journal, store: store, clock: clock, replayOnly: true)
            let context = WorkflowContext(journal: journal, history: history, clock: clock, store: store, patches: patches, replayOnly: true)
            let output = try await workflow.run(context, input)
            if history.stopped == nil { try WorkflowHandler<W>.checkNothingSkipped(history) }
            end = .returned(try StepJSON.encode(output))
        } catch let error as NondeterminismError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as CairnError where error.isInfrastructure {
            throw error
        } catch let stop as ReplayStop {
            end = .stopped(stop)
        } catch {
            end = .failed(WorkflowHandler<W>.failure(error))
        }
        let replayed = history.consumedCount - (history.entry(at: WorkflowHandler<W>.patchesPosition) == nil ? 0 : 1)
        // A stop wins over whatever the workflow did after catching it.
        if let stop = history.stopped { return (.stopped(stop), replayed, history.unconsumedCount) }
        return (end, replayed, history.unconsumedCount)
    }
}
