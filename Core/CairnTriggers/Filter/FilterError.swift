/// A `filter_expression` that cannot be compiled: malformed, too large, or using a construct outside the
/// language. Raised when the expression is parsed, never on an event.
public struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public var expression: String
    /// What is wrong and where, in promptise's form: "Invalid filter_expression '<expr>': <why>".
    public var message: String
    /// The 1-based character (code point) position in `expression` the problem was found at, when known.
    public var column: Int?

    /// An error about `expression`.
    public init(expression: String, message: String, column: Int? = nil) {
        self.expression = expression
        self.message = message
        self.column = column
    }

    /// The message.
    public var description: String { message }
}

/// Why one event could not be evaluated (promptise's filter raised): for example `'<' not supported
/// between instances of 'NoneType' and 'int'`. Such an event does not pass the filter.
public struct FilterEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression that was evaluated.
    public var expression: String
    /// The Python exception class the reference implementation raises (TypeError, ValueError, OverflowError).
    public var kind: String
    /// What went wrong.
    public var message: String

    /// An evaluation error.
    public init(expression: String, kind: String, message: String) {
        self.expression = expression
        self.kind = kind
        self.message = message
    }

    /// "filter_expression '<expr>' could not be evaluated (<kind>: <message>); the event is skipped".
    public var description: String {
        "filter_expression \(PyFormat.repr(PyStr(expression))) could not be evaluated (\(kind): \(message)); the event is skipped"
    }
}
