/// Why an operation on an agent process was refused, with the orchestration API's error code
/// and HTTP status (promptise's table), and a message saying what to do.
public struct ProcessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The API's code: `PROCESS_NOT_FOUND`, `INBOX_FULL`, ...
    public let code: String
    /// The HTTP status the API answers with.
    public let status: Int
    /// What was wrong and how to fix it.
    public let message: String

    /// Creates an error.
    public init(_ code: String, status: Int, _ message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// No process of that name.
    public static func notFound(_ name: String) -> ProcessError {
        ProcessError("PROCESS_NOT_FOUND", status: 404, "no process named '\(name)'; list them with GET /api/v1/processes or 'cairn process ls'")
    }

    /// A deploy with a name in use.
    public static func exists(_ name: String) -> ProcessError {
        ProcessError("PROCESS_EXISTS", status: 409, "a process named '\(name)' exists; remove it first or choose another name")
    }

    /// A field missing from a request.
    public static func missingField(_ field: String) -> ProcessError {
        ProcessError("MISSING_FIELD", status: 422, "the request needs the field '\(field)'")
    }

    /// A field with a wrong type or value.
    public static func invalidField(_ message: String) -> ProcessError { ProcessError("INVALID_FIELD", status: 422, message) }

    /// A message or question to a process that is not running.
    public static func notRunning(_ name: String, _ state: ProcessState) -> ProcessError {
        ProcessError("PROCESS_NOT_RUNNING", status: 409, "process '\(name)' is \(state.rawValue); start it first")
    }

    /// A state change the lifecycle does not allow.
    public static func badTransition(_ code: String, _ name: String, from: ProcessState, to: ProcessState) -> ProcessError {
        ProcessError(
            code, status: code == "SUSPEND_FAILED" || code == "RESUME_FAILED" ? 400 : 409,
            "process '\(name)' cannot go from \(from.rawValue) to \(to.rawValue)")
    }

    /// From a config validation error.
    public init(_ error: ProcessConfigError) {
        let status = error.code == "ENV_REFERENCES_NOT_ALLOWED" ? 403 : 422
        self.init(error.code == "UNSUPPORTED" ? "INVALID_CONFIG" : error.code, status: status, error.message)
    }

    /// From an inbox error.
    public init(_ error: InboxError) {
        self.init(error.code, status: error.status, error.message)
    }
}
