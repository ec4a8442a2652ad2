public import CairnCore
public import CairnTriggers
import Crypto
public import Foundation

/// The `interval` trigger kind: fires every `interval_seconds`, each due time moved later by up to
/// `jitter_seconds`.
///
/// Due times are `start + k × interval + jitter(k)`, where `start` is the option or the time the
/// trigger's fire log was created, and `jitter(k)` is derived from the trigger's name and `k`: every
/// node computes the same due times, so each is recorded once.
public struct IntervalTrigger: Trigger {
    /// The schedule.
    public struct Due: Schedule {
        /// The first due time's base.
        public var start: Date
        /// The period in seconds.
        public var interval: TimeInterval
        /// The largest delay added to a due time, in seconds (less than the interval).
        public var jitter: TimeInterval
        /// Seeds the jitter.
        public var name: String

        /// The `k`-th due time (the first is `k = 1`, one interval after the start).
        public func time(_ k: Int) -> Date {
            start.addingTimeInterval(Double(k) * interval + offset(k))
        }

        func offset(_ k: Int) -> TimeInterval {
            guard jitter > 0 else { return 0 }
            let hash = SHA256.hash(data: Data("\(name)\n\(k)".utf8))
            let bits = hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return (Double(bits >> 11) / Double(1 << 53) * jitter * 1000).rounded(.down) / 1000
        }

        public func next(after date: Date) -> Date? {
            let k = max(1, Int((date.timeIntervalSince(start) / interval).rounded(.down)))
            for candidate in max(1, k - 1)...(k + 2) where time(candidate) > date { return time(candidate) }
            return time(k + 3)
        }
    }

    /// The keys it takes.
    public static let keys: Set<String> = MissedFirePolicy.keys.union(["interval_seconds", "jitter_seconds", "start", "payload"])

    let name: String
    let interval: TimeInterval
    let jitter: TimeInterval
    let start: Date?
    let payload: JSONValue?
    let missed: MissedFirePolicy

    /// Reads the options of `configuration`.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and the value.
    public init(_ configuration: TriggerConfiguration) throws {
        let options = configuration.options
        try options.allowing(Self.keys)
        guard let interval = try options.number("interval_seconds", in: 0.001...31_622_400) else {
            throw options.invalid("interval_seconds is required: how many seconds between fires (e.g. 3600)")
        }
        let jitter = try options.number("jitter_seconds", in: 0...31_622_400) ?? 0
        guard jitter < interval else { throw options.invalid("jitter_seconds (\(jitter)) must be less than interval_seconds (\(interval))") }
        var start: Date?
        if let text = try options.string("start") {
            guard let date = Timestamps.parse(text) else {
                throw options.invalid("start must be a timestamp like 2026-01-01T00:00:00Z, not '\(text.prefix(40))'")
            }
            start = date
        }
        let missed = try MissedFirePolicy.read(options)
        let name = configuration.definition.name
        let payload = options.values["payload"]
        self.name = name
        self.interval = interval
        self.jitter = jitter
        self.start = start
        self.payload = payload
        self.missed = missed
    }

    public func run(_ context: TriggerContext) async throws {
        let created = await context.log.created
        let anchor = start ?? created
        let name = name, payload = payload
        let runner = ScheduleRunner(schedule: Due(start: anchor, interval: interval, jitter: jitter, name: name), missed: missed) { due in
            payload ?? .object(["trigger": .string(name), "kind": .string("interval"), "scheduled": .string(Timestamps.format(due))])
        }
        try await runner.run(context, anchor: anchor)
    }

    public func nextFire(after last: Date?, created: Date, now: Date) -> Date? {
        Due(start: start ?? created, interval: interval, jitter: jitter, name: name).next(after: max(last ?? now, now))
    }

    /// Registers the kind as `interval`.
    public static func register(in components: inout Components) {
        components.register(.trigger, "interval", summary: "fires every N seconds, with optional jitter") { configuration in
            try IntervalTrigger(configuration)
        }
    }
}
