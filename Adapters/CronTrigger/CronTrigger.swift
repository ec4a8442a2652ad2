public import CairnCore
public import CairnTriggers
public import Foundation

/// The `cron` trigger kind: fires at the times of a cron expression in a time zone.
///
/// Options: `cron_expression` (5 fields, or 6 with seconds last, or an alias such as `@hourly`),
/// `cron_timezone` (an IANA name, default `UTC`), `payload` (the JSON pushed; default
/// `{trigger, kind, scheduled}`), and the missed-fire keys `missed`, `max_missed`,
/// `misfire_grace_seconds`. Each due time is a fire whose id is the time, so nodes sharing a store
/// record it once, and the newest fire in the fire log is where a restart picks up.
public struct CronTrigger: Trigger {
    /// The keys it takes.
    public static let keys: Set<String> = MissedFirePolicy.keys.union(["cron_expression", "cron_timezone", "payload"])

    /// A cron expression in a time zone, as a ``Schedule``.
    public struct Due: Schedule {
        /// The expression.
        public var expression: CronExpression
        /// The zone its wall-clock times are read in.
        public var timeZone: TimeZone

        public func next(after date: Date) -> Date? { expression.next(after: date, in: timeZone) }
    }

    let name: String
    let due: Due
    let missed: MissedFirePolicy
    let payload: JSONValue?

    /// Reads the options of `configuration`.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and the value.
    public init(_ configuration: TriggerConfiguration) throws {
        let options = configuration.options
        try options.allowing(Self.keys)
        let text = try options.requiredString("cron_expression", hint: "a cron expression such as \"0 9 * * 1-5\" or @hourly")
        let expression: CronExpression
        do { expression = try CronExpression(text) } catch { throw options.invalid("cron_expression: \(error)") }
        let timeZone: TimeZone
        do { timeZone = try cronTimeZone(try options.string("cron_timezone") ?? "UTC") } catch let error as CronError {
            throw options.invalid("cron_timezone: \(error)")
        }
        name = configuration.definition.name
        due = Due(expression: expression, timeZone: timeZone)
        missed = try MissedFirePolicy.read(options)
        payload = options.values["payload"]
    }

    public func run(_ context: TriggerContext) async throws {
        let name = name, payload = payload
        let runner = ScheduleRunner(schedule: due, missed: missed) { time in
            payload ?? .object(["trigger": .string(name), "kind": .string("cron"), "scheduled": .string(Timestamps.format(time))])
        }
        try await runner.run(context, anchor: await context.log.created)
    }

    public func nextFire(after last: Date?, created: Date, now: Date) -> Date? {
        due.next(after: max(last ?? now, now))
    }

    /// Registers the kind as `cron`.
    public static func register(in components: inout Components) {
        components.register(.trigger, "cron", summary: "fires on a cron schedule in a time zone, catching up missed fires") { configuration in
            try CronTrigger(configuration)
        }
    }
}
