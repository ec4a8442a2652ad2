import Synchronization

/// The (timestamp, signature) pairs accepted recently, so that the same signed request is accepted
/// only once while its timestamp is inside the tolerance window.
///
/// Bounded: it holds at most `capacity` entries. Only requests whose signature was verified are
/// recorded, so only genuine traffic fills it; when it is full even after expired entries are
/// dropped, the entry whose window closes first is dropped to make room.
final class ReplayCache: Sendable {
    /// One accepted request.
    struct Key: Hashable, Sendable {
        /// The signed Unix timestamp.
        var timestamp: Int64
        /// The signature that matched.
        var signature: [UInt8]
    }

    private struct State {
        /// When each entry's window closes, in seconds since 1970.
        var expiries: [Key: Double] = [:]
        /// When expired entries are next swept out, in seconds since 1970.
        var nextSweep: Double = -.infinity
    }

    /// The most entries kept.
    let capacity: Int
    private let sweepInterval: Double
    private let state = Mutex(State())

    /// A cache of at most `capacity` entries (at least 1), swept of expired entries at most once
    /// every `sweepInterval` seconds.
    init(capacity: Int, sweepInterval: Double) {
        self.capacity = max(1, capacity)
        self.sweepInterval = sweepInterval
    }

    /// Records `key` until `expiry` and returns true, or returns false when `key` is already
    /// recorded with an expiry not yet passed at `now`. Check and record are one atomic step.
    func admit(_ key: Key, expiry: Double, now: Double) -> Bool {
        state.withLock { state in
            if now >= state.nextSweep {
                state.expiries = state.expiries.filter { $0.value >= now }
                state.nextSweep = now + sweepInterval
            }
            if let existing = state.expiries[key], existing >= now { return false }
            if state.expiries.count >= capacity, state.expiries[key] == nil {
                state.expiries = state.expiries.filter { $0.value >= now }
                if state.expiries.count >= capacity, let soonest = state.expiries.min(by: { $0.value < $1.value }) {
                    state.expiries[soonest.key] = nil
                }
            }
            state.expiries[key] = expiry
            return true
        }
    }

    /// How many entries are held (expired ones not yet swept included).
    var count: Int { state.withLock { $0.expiries.count } }
}
