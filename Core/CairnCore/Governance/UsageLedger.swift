public import Foundation
import Synchronization

/// Usage per agent and calendar day (UTC), for daily budget limits across runs.
public protocol UsageLedger: Sendable {
    /// Adds `usage` to the agent's total for the day of `date`.
    /// - Throws: storage errors.
    func add(_ usage: UsageCounters, agent: String, on date: Date) async throws
    /// The agent's total for the day of `date`.
    /// - Throws: storage errors.
    func usage(agent: String, on date: Date) async throws -> UsageCounters
}

extension UsageLedger {
    /// The day of `date` as `YYYY-MM-DD` in UTC.
    public static func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// A ledger in memory, for tests and single-process use.
public final class MemoryUsageLedger: UsageLedger {
    private let totals = Mutex<[String: UsageCounters]>([:])

    /// Creates an empty ledger.
    public init() {}

    public func add(_ usage: UsageCounters, agent: String, on date: Date) async throws {
        let key = "\(agent)/\(Self.day(of: date))"
        totals.withLock { $0[key] = ($0[key] ?? UsageCounters()) + usage }
    }

    public func usage(agent: String, on date: Date) async throws -> UsageCounters {
        totals.withLock { $0["\(agent)/\(Self.day(of: date))"] } ?? UsageCounters()
    }
}
