import CairnCore
import Foundation

/// How a recorded workflow run ended, read from its history.
enum RecordedEnd: Equatable {
    /// The session finished (entry `seq`), with the workflow's `result` push before it (nil if none).
    case finished(result: Data?, seq: Int)
    /// The last invocation failed with a `workflow-failed` error (entry `seq`), and nothing ran after it.
    case failed(message: String, seq: Int)
    /// Anything else: paused, sleeping, pending, interrupted, or failed in a way the history
    /// does not attribute to the workflow's code (a nondeterminism error, a handler error).
    case inProgress

    /// Reads the end from the items of a history.
    init(_ items: [SessionHistory.Item]) {
        let terminal: Set<EventKind> = [.pause, .sleep, .finish, .error]
        guard let last = items.lastIndex(where: { terminal.contains($0.entry.event) }) else {
            self = .inProgress
            return
        }
        let entry = items[last].entry
        switch entry.event {
        case .finish:
            let result = items[..<last].last { $0.entry.event == .push && $0.entry.header.name == "result" && $0.entry.source == "handler" }
            self = .finished(result: result?.body, seq: entry.seq)
        case .error:
            let stepsAfter = items[last...].contains { $0.entry.event == .step }
            if !stepsAfter, let report = ErrorReport.decode(items[last].body), report.kind == "workflow-failed" {
                self = .failed(message: report.message, seq: entry.seq)
            } else {
                self = .inProgress
            }
        default:
            self = .inProgress
        }
    }

    /// How the history ended, for messages: `finished with result 31 (entry #12)`.
    var text: String {
        switch self {
        case .finished(let result?, let seq): "finished with result \(ReplayText.excerpt(result)) (entry #\(seq))"
        case .finished(nil, let seq): "finished without a result (entry #\(seq))"
        case .failed(let message, let seq): "failed with '\(message)' (entry #\(seq))"
        case .inProgress: "ends with the run in progress"
        }
    }

    /// The entry that ended the run, if it ended.
    var seq: Int? {
        switch self {
        case .finished(_, let seq), .failed(_, let seq): seq
        case .inProgress: nil
        }
    }
}
