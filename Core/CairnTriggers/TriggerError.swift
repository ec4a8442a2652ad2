/// Errors of configuring and controlling triggers, with messages that say what to change.
public enum TriggerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A trigger with this name exists.
    case exists(String)
    /// No trigger has this name.
    case notFound(String, known: [String])
    /// The trigger comes from the configuration file, so it cannot be removed at runtime.
    case configured(String)
    /// A definition is not valid.
    case invalid(String)

    public var description: String {
        switch self {
        case .exists(let name): "a trigger named '\(name)' exists; remove it first or choose another name"
        case .notFound(let name, let known):
            "no trigger named '\(name)'" + (known.isEmpty ? "; none is configured" : "; known: \(known.joined(separator: ", "))")
        case .configured(let name): "trigger '\(name)' comes from the configuration file; remove it there and restart"
        case .invalid(let message): message
        }
    }
}
