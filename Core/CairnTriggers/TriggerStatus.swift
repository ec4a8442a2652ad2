public import Foundation

/// What a trigger is doing: its definition (secrets masked in listings), whether it runs, and
/// what its fire log says.
public struct TriggerStatus: Sendable {
    /// Whether the trigger runs.
    public enum State: String, Sendable, Hashable {
        /// Opening its fire log and delivering fires left over from a crash.
        case starting
        /// Producing fires.
        case running
        /// Its last run failed; it runs again after a backoff (see ``TriggerStatus/lastError``).
        case failed
        /// Not running (a CLI view, or the service stopped).
        case stopped
    }

    /// The definition.
    public var definition: TriggerDefinition
    /// Whether it runs.
    public var state: State
    /// The newest fire.
    public var lastFire: FireLog.Record?
    /// When a schedule fires next.
    public var nextFire: Date?
    /// How many fires were recorded.
    public var fireCount: Int
    /// The newest error.
    public var lastError: FireLog.ErrorRecord?
    /// The path it serves requests on, for kinds that receive them.
    public var path: String?

    /// Creates a status.
    public init(
        definition: TriggerDefinition, state: State, lastFire: FireLog.Record?, nextFire: Date?, fireCount: Int, lastError: FireLog.ErrorRecord?,
        path: String? = nil
    ) {
        self.definition = definition
        self.state = state
        self.lastFire = lastFire
        self.nextFire = nextFire
        self.fireCount = fireCount
        self.lastError = lastError
        self.path = path
    }
}
