/// The kind of event an entry records.
///
/// The first four are the events of the pugmark wire protocol. The rest are the control kinds
/// the runtime writes and the `step` records of workflows; later features (channels, ...) add
/// their own kinds, and an unknown kind read from a store is preserved as `.other`.
public enum EventKind: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first entry of a root session.
    case start
    /// The first entry a forked session adds after the inherited ones.
    case fork
    /// An object added to the session, from outside or by a handler.
    case push
    /// The session was woken: a due timer or an explicit `cairn wake`.
    case wake
    /// The handler paused the session until the next push.
    case pause
    /// The handler put the session to sleep until a time (metadata `until`).
    case sleep
    /// The session finished; it is never invoked again.
    case finish
    /// An invocation failed; the body describes why.
    case error
    /// A journaled step of a durable workflow: its recorded result (see Docs/workflows.md).
    case step
    /// A kind this version does not know, kept verbatim.
    case other(String)

    /// The wire name of the kind.
    public var name: String {
        switch self {
        case .start: "start"
        case .fork: "fork"
        case .push: "push"
        case .wake: "wake"
        case .pause: "pause"
        case .sleep: "sleep"
        case .finish: "finish"
        case .error: "error"
        case .step: "step"
        case .other(let name): name
        }
    }

    /// Parses a wire name; unknown names become `.other`.
    public init(name: String) {
        switch name {
        case "start": self = .start
        case "fork": self = .fork
        case "push": self = .push
        case "wake": self = .wake
        case "pause": self = .pause
        case "sleep": self = .sleep
        case "finish": self = .finish
        case "error": self = .error
        case "step": self = .step
        default: self = .other(name)
        }
    }

    /// Whether the entry is a control entry (hidden by `cairn log` unless `-A`).
    public var isControl: Bool {
        switch self {
        case .push, .step: false
        default: true
        }
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
