public import CairnCore

/// The replay asked for the same steps as the history, but did not end the way the recorded run
/// did: another result, a failure instead of a result (or the reverse), another failure message,
/// or a sleep still running in a run that had finished.
public struct ReplayMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The session the history belongs to.
    public let session: SessionID
    /// How the history ended, e.g. `finished with result {"total":31} (entry #12)`.
    public let recorded: String
    /// How the replay ended, e.g. `returned {"total":32}`.
    public let replayed: String

    /// Creates the error.
    public init(session: SessionID, recorded: String, replayed: String) {
        self.session = session
        self.recorded = recorded
        self.replayed = replayed
    }

    /// The message: `the replay of session ID does not end as its history: the history …, but the replay …`.
    public var description: String {
        "the replay of session \(session) does not end as its history: the history \(recorded), but the replay \(replayed)"
    }
}
