import Foundation
import Synchronization

/// The recorded steps of a run, indexed by position, and which of them the replay has consumed.
final class WorkflowHistory: Sendable {
    private let steps: [String: Entry]
    private let consumed = Mutex<Set<String>>([])
    private let firstStop = Mutex<ReplayStop?>(nil)
    /// Pushes by name, oldest first (signals), and the pushes already taken by recorded signals.
    let pushes: [String: [Entry]]
    let takenPushes: Set<Int>
    let blobs: any BlobStore

    init(entries: [Entry], blobs: any BlobStore) {
        var steps: [String: Entry] = [:]
        var pushes: [String: [Entry]] = [:]
        var taken = Set<Int>()
        for entry in entries {
            switch entry.event {
            case .step:
                if let position = entry.header.metadata["position"] { steps[position] = entry }
                if entry.header.metadata["kind"] == StepKind.signal.rawValue, let seq = entry.header.metadata["seq"].flatMap(Int.init) {
                    taken.insert(seq)
                }
            case .push where WorkflowHistory.isFromOutside(entry) && !entry.header.name.isEmpty:
                pushes[entry.header.name, default: []].append(entry)
            default:
                break
            }
        }
        self.steps = steps
        self.pushes = pushes
        self.takenPushes = taken
        self.blobs = blobs
    }

    /// Whether a push came from outside the session's own handler: a client, or another session's
    /// handler (delivered with `cairn.from`).
    static func isFromOutside(_ entry: Entry) -> Bool {
        entry.source != "handler" || entry.header.metadata["cairn.from"] != nil
    }

    /// Whether no step has been recorded yet (a new run).
    var isEmpty: Bool { steps.isEmpty }

    /// The recorded step at `position`, if any (without consuming it).
    func entry(at position: String) -> Entry? { steps[position] }

    /// Marks `position` consumed and returns its record with its body.
    func consume(_ position: String) async throws -> StepRecord? {
        guard let entry = steps[position] else { return nil }
        consumed.withLock { _ = $0.insert(position) }
        let body = try await blobs.body(of: entry)
        return StepRecord(entry: entry, body: body)
    }

    /// How many recorded positions the replay has consumed so far.
    var consumedCount: Int { consumed.withLock { $0.count } }

    /// How many recorded positions the replay has not consumed (yet).
    var unconsumedCount: Int { steps.count - consumedCount }

    /// Remembers the first place a replay-only run stopped (in case the workflow catches the
    /// error and goes on) and returns `stop` to throw.
    func stop(_ stop: ReplayStop) -> ReplayStop {
        firstStop.withLock { if $0 == nil { $0 = stop } }
        return stop
    }

    /// Where a replay-only run first stopped, if it did.
    var stopped: ReplayStop? { firstStop.withLock { $0 } }

    /// The first recorded position the replay never asked for, in position order.
    func firstUnconsumed() -> (position: String, entry: Entry)? {
        let done = consumed.withLock { $0 }
        return steps.filter { !done.contains($0.key) }
            .min { $0.value.seq < $1.value.seq }
            .map { ($0.key, $0.value) }
    }
}
