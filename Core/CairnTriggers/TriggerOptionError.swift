/// A trigger option that cannot be used as given: the option or part at fault (``field``), the
/// value it had (``value``; never a secret's value) and what is wrong and what would be accepted
/// (``message``). Trigger kinds throw it from the parsers of their options (cron expressions, time
/// zones, signature schemes, watch patterns); it is safe to log and to show to the person editing
/// the configuration.
public struct TriggerOptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The option or part at fault: `minute`, `time zone`, `signature_scheme`, `patterns[2]`, ...
    public var field: String
    /// The offending text as written; `<redacted>` for a secret, empty when the option is missing.
    public var value: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error about `field` holding `value`.
    public init(field: String, value: String, message: String) {
        self.field = field
        self.value = value
        self.message = message
    }

    /// One line: `minute "60": 60 is out of range; minute allows 0-59` (`field: message` without a value).
    public var description: String {
        value.isEmpty ? "\(field): \(message)" : "\(field) \"\(value)\": \(message)"
    }
}
