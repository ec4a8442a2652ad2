import Foundation

/// On replay the workflow asked for something other than what its log recorded at that position:
/// its code changed in a way that is not compatible with runs in flight. The run stops with this
/// error rather than diverge silently; guard the change with ``WorkflowContext/version(_:min:max:)``.
public struct NondeterminismError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The position of the first mismatch.
    public let position: String
    /// What the log holds there (`kind name`), or nil if nothing was asked at a recorded position.
    public let recorded: String?
    /// What the workflow asked for (`kind name`), or nil if it ended before a recorded position.
    public let asked: String?

    /// Creates the error for a mismatch at `position` between what the log `recorded` there and
    /// what the workflow `asked` for there, each written `kind 'name'` (e.g. `step 'charge card'`).
    public init(position: String, recorded: String?, asked: String?) {
        self.position = position
        self.recorded = recorded
        self.asked = asked
    }

    public var description: String {
        switch (recorded, asked) {
        case (let recorded?, let asked?):
            "nondeterminism at step position \(position): the log recorded \(recorded) but the workflow asked for \(asked)"
        case (let recorded?, nil):
            "nondeterminism at step position \(position): the log recorded \(recorded) but the workflow finished without asking for it"
        default:
            "nondeterminism at step position \(position)"
        }
    }
}

/// A step failed (after its retries); the same error is raised again when the run is replayed.
public struct StepFailed: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step's name.
    public let step: String
    /// Its position.
    public let position: String
    /// The error's description.
    public let message: String
    /// The error's type name.
    public let type: String

    public var description: String { "step '\(step)' (position \(position)) failed: \(message)" }
}

/// A step ran past its timeout; its closure was cancelled.
public struct StepTimedOut: Error, Sendable, CustomStringConvertible {
    /// The timeout.
    public let timeout: Duration

    public var description: String { "timed out after \(timeout)" }
}

/// No answer reached the voting margin within the allowed samples.
public struct NoConsensus: Error, Sendable, CustomStringConvertible {
    /// The step's name.
    public let step: String
    /// How many samples were taken.
    public let samples: Int

    public var description: String { "no answer of '\(step)' led by the required margin after \(samples) samples" }
}

/// A replay-only run (``WorkflowReplay``) reached a call it must not make live: one without a
/// record (`recorded` false), or a recorded sleep that had not ended when the history did.
package struct ReplayStop: Error, Sendable, Equatable {
    /// The call's position.
    package let position: String
    /// What the workflow asked for there: `step 'ship'`, `signal 'approval'`, `sleep 'cooling off' until …`.
    package let asked: String
    /// Whether the position has a record (a sleep still running).
    package let recorded: Bool
}

/// The workflow waits: for a timer or a signal. The handler turns it into a control output.
enum WorkflowSuspension: Error {
    case sleep(until: Date, reason: String)
    case signal(name: String)
}
