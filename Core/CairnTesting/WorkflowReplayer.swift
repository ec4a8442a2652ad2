public import CairnCore
public import Foundation

/// Checks a workflow's current code against recorded runs, such as production histories
/// exported with `cairn export`: the test of a code change that runs in flight must survive.
///
/// ```swift
/// @Test func checkoutStillReplaysProductionRuns() async throws {
///     let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/checkout.json")
///     let report = try await WorkflowReplayer(Checkout()).replay(contentsOf: fixture)
///     #expect(report.replayedSteps == 5)
/// }
/// ```
///
/// The replay runs the workflow from the top against the history, as an invocation after a
/// restart does, with these guarantees:
/// - **Nothing runs that the history did not record.** Every call returns its record; the
///   first call without one — a step, a signal not yet received, a `now()`, an `all` branch —
///   stops the replay before its body could run, and so does a recorded sleep that had not
///   ended when the history did. Nothing is journaled, and the clock reads the time of the
///   history's last entry.
/// - **Every recorded position is checked** by kind and name, as a live replay checks it,
///   including child scopes, `all`/`sample`/`vote` branches and the run's recorded patches.
/// - **The end is checked.** A history that recorded the run's result must replay to the same
///   result (compared as JSON); one that recorded its failure, to the same failure message.
///   In a finished history, a call without a record is a divergence too.
public struct WorkflowReplayer<W: Workflow>: Sendable {
    /// The workflow whose code is checked.
    public let workflow: W

    /// A replayer for `workflow`.
    public init(_ workflow: W) {
        self.workflow = workflow
    }

    /// Replays `history` and reports how far it got.
    /// - Returns: the report: how many recorded steps replayed and how the run ended.
    /// - Throws: ``NondeterminismError`` at the first divergence, naming the position, what the
    ///   history recorded there and what the code asked for — also when a finished history has
    ///   no record for a call (`recorded` is then `nothing (the run finished at entry #N)`) and
    ///   when the code returned without asking for a recorded position; ``ReplayMismatch`` when
    ///   the replay ends otherwise than the history (another result, a failure instead of a
    ///   result, another failure message); `CairnError.invalidArgument` for a history that does
    ///   not load (see `SessionHistory.validate()`).
    public func replay(_ history: SessionHistory) async throws -> ReplayReport {
        let store = MemoryStore()
        let info = try await history.load(into: store)
        let entries = try await SessionLog(store: store).entries(of: info.id)
        let recorded = RecordedEnd(history.entries)
        let now = entries.last?.time ?? info.created
        let (end, replayed, unreached) = try await WorkflowReplay(workflow).run(session: info.id, entries: entries, store: store, now: now)
        let outcome = try judge(end, against: recorded, session: info.id)
        return ReplayReport(session: info.id, replayedSteps: replayed, unreachedSteps: unreached, outcome: outcome)
    }

    /// Reads a history from a JSON file (as written by `cairn export -o FILE`) and replays it.
    /// - Throws: as ``replay(_:)``; `CairnError.invalidArgument` for a file that cannot be read or decoded.
    public func replay(contentsOf url: URL) async throws -> ReplayReport {
        try await replay(try SessionHistory(contentsOf: url))
    }

    /// The outcome, if the replay ended as the history did.
    private func judge(_ end: WorkflowReplayEnd, against recorded: RecordedEnd, session: SessionID) throws -> ReplayReport.Outcome {
        func mismatch(_ replayed: String) -> ReplayMismatch { ReplayMismatch(session: session, recorded: recorded.text, replayed: replayed) }
        switch (recorded, end) {
        case (.finished(let result?, _), .returned(let output)):
            guard Self.sameJSON(result, output) else { throw mismatch("returned \(ReplayText.excerpt(output))") }
            return .finished(result: result)
        case (.failed(let message, _), .failed(let failure)):
            guard message == failure else { throw mismatch("failed with '\(failure)'") }
            return .failed(message: message)
        case (.finished, .stopped(let stop)), (.failed, .stopped(let stop)):
            guard !stop.recorded, let seq = recorded.seq else {
                throw mismatch("is still waiting at position \(stop.position) for \(stop.asked)")
            }
            let ended = if case .finished = recorded { "finished" } else { "failed" }
            throw NondeterminismError(position: stop.position, recorded: "nothing (the run \(ended) at entry #\(seq))", asked: stop.asked)
        case (.finished, .returned(let output)), (.failed, .returned(let output)):
            throw mismatch("returned \(ReplayText.excerpt(output))")
        case (.finished, .failed(let failure)):
            throw mismatch("failed with '\(failure)'")
        case (.finished, .noInput), (.failed, .noInput):
            throw mismatch("finds no input for the workflow in it")
        case (.inProgress, .stopped(let stop)):
            return .inProgress(position: stop.position, waitingFor: stop.asked)
        case (.inProgress, .noInput):
            return .inProgress(position: nil, waitingFor: "the workflow's input")
        case (.inProgress, .returned):
            return .inProgress(position: nil, waitingFor: "the result")
        case (.inProgress, .failed(let failure)):
            throw mismatch("failed with '\(failure)'")
        }
    }

    /// Whether two JSON bodies are the same: the same bytes, or the same value once parsed.
    static func sameJSON(_ a: Data, _ b: Data) -> Bool {
        if a == b { return true }
        guard let left = try? JSONDecoder().decode(JSONValue.self, from: a),
            let right = try? JSONDecoder().decode(JSONValue.self, from: b)
        else { return false }
        return left == right
    }
}
