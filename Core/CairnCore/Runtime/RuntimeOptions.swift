/// Settings of a ``Runtime``.
public struct RuntimeOptions: Sendable {
    /// The most invocations one drive of one session may make before the runtime stops the
    /// handler with a `runaway` error entry. A handler that never pauses trips it.
    public var maxInvocations: Int
    /// How often a long-running ``Runtime/run(_:)`` looks for new events and due timers.
    public var pollInterval: Duration
    /// The `source` recorded on entries the runtime appends itself.
    public var source: String

    /// Creates options; the defaults suit interactive use.
    public init(maxInvocations: Int = 100, pollInterval: Duration = .milliseconds(200), source: String = "runtime") {
        self.maxInvocations = maxInvocations
        self.pollInterval = pollInterval
        self.source = source
    }
}

/// Which sessions a runtime drives.
public enum SessionSelection: Sendable, Hashable {
    /// Every session in the store, including ones created while it runs.
    case all
    /// These sessions, plus the child sessions their handlers fork.
    case sessions([SessionID])
}

/// What one drive of one session did.
public struct DriveReport: Sendable, Hashable {
    /// The session driven.
    public var session: SessionID
    /// Its status when the drive stopped.
    public var status: SessionStatus
    /// How many times the handler was invoked.
    public var invocations: Int
    /// Child sessions its handler forked.
    public var spawned: [SessionID]
    /// Other sessions its handler appended to.
    public var touched: [SessionID]
}

/// What one ``Runtime/advance(_:invocations:)`` did.
public enum Advance: Sendable, Hashable {
    /// The session was not pending, so nothing was done; its status.
    case settled(SessionStatus)
    /// A step was taken: the handler was invoked (`invoked`) or a failure recorded; the session may
    /// still be pending. Lists the child sessions forked and other sessions appended to.
    case stepped(invoked: Bool, spawned: [SessionID], touched: [SessionID])
}
