/// The lifecycle state of an agent process, with promptise's transition table.
///
/// `created` → `starting` → `running`; `running` ⇄ `suspended`; `stopping` → `stopped`; any
/// active state may fail. `awaiting` is reserved (promptise never enters it) and is kept only so
/// a journal that names it reads back.
public enum ProcessState: String, Sendable, Hashable, Codable, CaseIterable {
    case created, starting, running, suspended, awaiting, stopping, stopped, failed

    /// The states each state may move to.
    public static let transitions: [ProcessState: Set<ProcessState>] = [
        .created: [.starting, .stopped],
        .starting: [.running, .failed, .stopping],
        .running: [.suspended, .stopping, .failed, .awaiting],
        .suspended: [.running, .stopping, .failed],
        .awaiting: [.running, .stopping, .failed],
        .stopping: [.stopped, .failed],
        .stopped: [.starting],
        .failed: [.starting, .stopping],
    ]

    /// Whether the process may move from this state to `next`.
    public func canMove(to next: ProcessState) -> Bool { Self.transitions[self]?.contains(next) ?? false }

    /// Whether runs may start (trigger fires, messages and questions are taken up).
    public var takesRuns: Bool { self == .running }

    /// Whether events are accepted into the queue (they wait while suspended).
    public var acceptsEvents: Bool { self == .running || self == .suspended || self == .starting || self == .awaiting }
}

/// Why a process was suspended.
public enum SuspendReason: String, Sendable, Hashable, Codable {
    /// An operator asked (`suspend`).
    case manual
    /// No run for `idle_timeout` seconds.
    case idle
    /// The budget's `on_exceeded` is `pause` or `escalate`.
    case budget
    /// The health monitor's `on_anomaly` is `pause` or `escalate`.
    case health
    /// A rewind.
    case rewind
}
