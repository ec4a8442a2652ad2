public import Foundation

/// How an append changes a session's timer; stores use it to keep their due-timer index.
public enum TimerEffect: Sendable, Hashable {
    /// The batch ends in a `sleep`: the session is due at this time.
    case set(Date)
    /// The batch ends in anything else: the session no longer sleeps.
    case clear
    /// An empty batch changes nothing.
    case unchanged

    /// The effect of appending `entries`.
    public init(of entries: [EntryDraft]) {
        guard let last = entries.last else {
            self = .unchanged
            return
        }
        if last.event == .sleep, let until = last.header.metadata[MetadataKeys.until].flatMap(Timestamps.parse) {
            self = .set(until)
        } else {
            self = .clear
        }
    }
}
