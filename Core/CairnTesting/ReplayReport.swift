public import CairnCore
public import Foundation

/// What ``WorkflowReplayer/replay(_:)`` found: a history the workflow's current code replays
/// without a divergence.
public struct ReplayReport: Sendable, Equatable, CustomStringConvertible {
    /// How the recorded run ended, reproduced by the replay.
    public enum Outcome: Sendable, Equatable {
        /// The history recorded the run's result, and the replay returned the same one: `result`
        /// is its JSON, as recorded in the push named `result`.
        case finished(result: Data)
        /// The history recorded the run's failure (an `error` entry of kind `workflow-failed`),
        /// and the replay failed with the same `message`.
        case failed(message: String)
        /// The history ends with the run still in progress (waiting for a signal or a timer,
        /// pending, or interrupted), and the replay stopped where the history ends: at
        /// `position`, where the code asked for `waitingFor` (such as `signal 'approval'`,
        /// `step 'ship'` or `sleep 'cooling off' until …`), which the history has no outcome
        /// for. `position` is nil when the code asked for nothing more: the history has no input
        /// yet (`waitingFor` is `the workflow's input`), or the code returned a result the
        /// history does not record yet (`waitingFor` is `the result`).
        case inProgress(position: String?, waitingFor: String)
    }

    /// The session the history belongs to.
    public let session: SessionID
    /// How many recorded positions the replay returned from their records (the run's patch
    /// record not counted): steps, signals, sleeps, `now`/`random`/`uuid`, `all` branches, child
    /// scope markers and their steps.
    public let replayedSteps: Int
    /// How many recorded positions the replay never reached because it stopped before them.
    /// 0 unless the code asks, in the middle of the history, for a call without a record — for
    /// example a step added inside a child scope the run had already passed. Those records
    /// were not compared with the code.
    public let unreachedSteps: Int
    /// How the run ended.
    public let outcome: Outcome

    /// Creates a report.
    public init(session: SessionID, replayedSteps: Int, unreachedSteps: Int, outcome: Outcome) {
        self.session = session
        self.replayedSteps = replayedSteps
        self.unreachedSteps = unreachedSteps
        self.outcome = outcome
    }

    /// Whether the history recorded the end of the run (a result or a failure).
    public var isFinished: Bool {
        if case .inProgress = outcome { return false }
        return true
    }

    /// One line, e.g. `session 01M…: 5 steps replayed; in progress, stopped at position 2 (signal 'approval')`.
    public var description: String {
        let steps = "\(replayedSteps) step\(replayedSteps == 1 ? "" : "s") replayed"
        let unreached = unreachedSteps == 0 ? "" : ", \(unreachedSteps) not reached"
        let end =
            switch outcome {
            case .finished(let result): "finished with result \(ReplayText.excerpt(result))"
            case .failed(let message): "failed: \(message)"
            case .inProgress(let position?, let next): "in progress, stopped at position \(position) (\(next))"
            case .inProgress(nil, let next): "in progress, waiting for \(next)"
            }
        return "session \(session): \(steps)\(unreached); \(end)"
    }
}

/// Short renderings of bodies for reports and errors.
enum ReplayText {
    /// The body as text, cut at 200 characters.
    static func excerpt(_ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
