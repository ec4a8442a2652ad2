/// What Python would raise while evaluating: the exception's class name and message.
struct EvalError: Error, Sendable {
    var kind: String
    var message: String

    static func type(_ message: String) -> EvalError {
        EvalError(kind: "TypeError", message: message)
    }

    static func value(_ message: String) -> EvalError {
        EvalError(kind: "ValueError", message: message)
    }

    static func overflow(_ message: String) -> EvalError {
        EvalError(kind: "OverflowError", message: message)
    }
}
