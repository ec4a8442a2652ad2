public import CairnCore
public import Foundation
import Logging

/// The due times of a schedule trigger (cron, interval).
public protocol Schedule: Sendable {
    /// The first due time strictly after `date`, or nil if there is none.
    func next(after date: Date) -> Date?
}

/// What a schedule does about due times that passed while nothing ran (`missed:`).
public enum MissedFirePolicy: Sendable, Hashable {
    /// Fire only due times at most `grace` old; skip older ones.
    case skip(grace: TimeInterval)
    /// Fire the newest missed due time once, skip the others.
    case once
    /// Fire every missed due time, oldest first, at most the newest `cap` of them.
    case all(cap: Int)

    /// The keys schedule kinds read for it.
    public static let keys: Set<String> = ["missed", "max_missed", "misfire_grace_seconds"]

    /// Reads `missed` (`skip`, `once`, `all`; default `once`), `max_missed` (for `all`, default
    /// 100) and `misfire_grace_seconds` (for `skip`, default 60).
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key.
    public static func read(_ options: ComponentOptions) throws -> MissedFirePolicy {
        switch try options.string("missed") ?? "once" {
        case "skip": return .skip(grace: try options.number("misfire_grace_seconds", in: 0...86_400) ?? 60)
        case "once": return .once
        case "all": return .all(cap: try options.integer("max_missed", in: 1...100_000) ?? 100)
        case let other: throw options.invalid("missed must be skip, once or all, not '\(other.prefix(40))'")
        }
    }

    /// Of the due times `due` (oldest first) that are not later than `now`, those to fire.
    public func select(_ due: [Date], now: Date) -> [Date] {
        switch self {
        case .skip(let grace): due.filter { now.timeIntervalSince($0) <= grace }
        case .once: due.last.map { [$0] } ?? []
        case .all(let cap): Array(due.suffix(cap))
        }
    }
}

/// Runs a schedule as a trigger: waits for each due time, fires it with the due time as its id
/// (so nodes sharing a store record it once), and after downtime applies the missed-fire policy
/// to the due times since the newest recorded fire.
public struct ScheduleRunner: Sendable {
    /// The due times.
    public var schedule: any Schedule
    /// What to do about missed due times.
    public var missed: MissedFirePolicy
    /// The payload of each fire, given its due time.
    public var payload: @Sendable (Date) -> JSONValue

    /// Creates a runner.
    public init(schedule: any Schedule, missed: MissedFirePolicy, payload: @escaping @Sendable (Date) -> JSONValue) {
        self.schedule = schedule
        self.missed = missed
        self.payload = payload
    }

    /// The fire id of due time `date`: its timestamp with milliseconds.
    public static func fireID(_ date: Date) -> String { Timestamps.format(date) }

    /// Fires due times until cancelled.
    /// - Parameter anchor: where due times start when nothing was ever fired (the first due time
    ///   is the first after it).
    /// - Throws: `CancellationError`; store errors (the service retries).
    public func run(_ context: TriggerContext, anchor: Date) async throws {
        var cursor = await context.lastFire()?.time ?? anchor
        while true {
            try Task.checkCancellation()
            let now = context.clock.now()
            var due: [Date] = []
            var next = schedule.next(after: cursor)
            while let time = next, time <= now, due.count < 1_000_000 {
                due.append(time)
                next = schedule.next(after: time)
            }
            let chosen = missed.select(due, now: now)
            if due.count > chosen.count {
                context.logger.notice(
                    "skipping missed due times", metadata: ["trigger": "\(context.name)", "missed": "\(due.count - chosen.count)"])
            }
            for time in chosen {
                _ = try await context.fire(.json(id: Self.fireID(time), time: time, payload(time), metadata: ["scheduled": Self.fireID(time)]))
            }
            if let last = due.last { cursor = last }
            guard let upcoming = next else {
                try await context.clock.sleep(until: .distantFuture)
                continue
            }
            try await context.clock.sleep(until: upcoming)
        }
    }
}
