public import Foundation

/// The JSON body of an `error` entry: why an invocation failed.
public struct ErrorReport: Sendable, Hashable, Codable {
    /// What went wrong, in one sentence.
    public var message: String
    /// A stable word for the failure: `exit`, `invalid-output`, `timeout`, `runaway`, `handler`.
    public var kind: String
    /// The handler process's exit status, when it exited.
    public var exitStatus: Int32?
    /// The last lines of the handler's stderr.
    public var stderrTail: String?
    /// The log length the failed invocation saw.
    public var snapshot: Int?

    /// Creates a report.
    public init(message: String, kind: String, exitStatus: Int32? = nil, stderrTail: String? = nil, snapshot: Int? = nil) {
        self.message = message
        self.kind = kind
        self.exitStatus = exitStatus
        self.stderrTail = stderrTail
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey {
        case message, kind, snapshot
        case exitStatus = "exit-status"
        case stderrTail = "stderr-tail"
    }

    /// The report as sorted-key JSON.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data(message.utf8)
    }

    /// Decodes a report; nil if `data` is nil or not a report.
    public static func decode(_ data: Data?) -> ErrorReport? {
        guard let data else { return nil }
        return try? JSONDecoder().decode(ErrorReport.self, from: data)
    }
}
