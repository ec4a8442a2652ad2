/// Why a cron expression or a time zone name was refused.
///
/// Every error names the part of the input at fault (`field`), quotes the offending text (`value`)
/// and says what is wrong and what would be accepted instead (`message`).
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the input at fault: "second", "minute", "hour", "day of month", "month",
    /// "day of week", "expression" (the whole text, e.g. a wrong number of fields) or "time zone".
    public var field: String
    /// The offending text, exactly as written (one list element of a field where that is the culprit).
    public var value: String
    /// What is wrong and what is allowed, in words a user can act on.
    public var message: String

    /// Creates an error for `field` quoting `value`, explained by `message`.
    public init(field: String, value: String, message: String) {
        self.field = field
        self.value = value
        self.message = message
    }

    /// A one-line account of the error, e.g. `minute "60": 60 is out of range; minute allows 0-59`.
    public var description: String {
        "\(field) \"\(value)\": \(message)"
    }
}
