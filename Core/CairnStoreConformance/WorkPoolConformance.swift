public import CairnCore
import Foundation

/// The conformance kit of work pools and worker registries, run like ``StoreConformance``:
///
/// ```swift
/// @Test(arguments: WorkPoolConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///     try await WorkPoolConformance.run(name) { MyPool() }
/// }
/// ```
public enum WorkPoolConformance {
    /// Something that is both a work pool and a worker registry over the same storage.
    public typealias Subject = any WorkPool & WorkerRegistry

    /// A named check.
    public struct Check: Sendable {
        /// The check's name.
        public let name: String
        /// Runs it against a new, empty subject made by the closure.
        public let run: @Sendable (@escaping @Sendable () async throws -> Subject) async throws -> Void
    }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let payload = Data("{\"job\":1}".utf8)

    /// Every check.
    public static let checks: [Check] = [
        Check(name: "push, claim in order, complete", run: fifo),
        Check(name: "pools are separate and idempotent pushes", run: isolation),
        Check(name: "leases expire and fence the old holder", run: leases),
        Check(name: "fail retries then dead-letters", run: retries),
        Check(name: "release everything a worker holds", run: release),
        Check(name: "stale workers are reaped", run: registry),
        Check(name: "concurrent claims never share an item", run: concurrentClaims),
        Check(name: "items with one key are held one at a time", run: keys),
    ]

    /// Runs the check called `name`.
    /// - Throws: ``ConformanceFailure``.
    public static func run(_ name: String, make: @escaping @Sendable () async throws -> Subject) async throws {
        guard let check = checks.first(where: { $0.name == name }) else { throw ConformanceFailure(check: name, message: "no such check") }
        try await check.run(make)
    }

    static func require(_ condition: Bool, _ check: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(check: check, message: message()) }
    }

    @Sendable static func fifo(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "push, claim in order, complete", pool = try await make()
        for i in 0..<3 { _ = try await pool.push(pool: "p", payload: Data("\(i)".utf8), maxAttempts: 3, id: "item-\(i)", now: t0) }
        try require(try await pool.size(pool: "p", now: t0) == PoolSize(pending: 3, claimed: 0, completed: 0, deadLettered: 0), check, "size after 3 pushes")
        let first = try await pool.claim(pool: "p", worker: "w1", lease: 30, now: t0)
        try require(
            first?.id == "item-0" && first?.attempts == 1 && first?.worker == "w1" && first?.payload == Data("0".utf8), check,
            "first claim got \(String(describing: first))")
        let second = try await pool.claim(pool: "p", worker: "w2", lease: 30, now: t0)
        try require(second?.id == "item-1", check, "second claim got \(String(describing: second?.id)), expected item-1")
        try await pool.complete(item: "item-0", worker: "w1", now: t0)
        try require(
            try await pool.size(pool: "p", now: t0) == PoolSize(pending: 1, claimed: 1, completed: 1, deadLettered: 0), check,
            "size after a claim and a completion")
        do {
            try await pool.complete(item: "item-0", worker: "w1", now: t0)
            throw ConformanceFailure(check: check, message: "completing twice succeeded")
        } catch WorkPoolError.notHeld {}
        _ = try await pool.claim(pool: "p", worker: "w1", lease: 30, now: t0)
        try require(try await pool.claim(pool: "p", worker: "w1", lease: 30, now: t0) == nil, check, "claim from an exhausted pool returned an item")
    }

    @Sendable static func isolation(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "pools are separate and idempotent pushes", pool = try await make()
        _ = try await pool.push(pool: "a", payload: payload, maxAttempts: 3, id: "same", now: t0)
        let again = try await pool.push(pool: "a", payload: Data("other".utf8), maxAttempts: 5, id: "same", now: t0)
        try require(again.payload == payload && again.maxAttempts == 3, check, "a second push with the same id replaced the item")
        try require(try await pool.claim(pool: "b", worker: "w", lease: 30, now: t0) == nil, check, "pool b returned pool a's item")
        try require(try await pool.size(pool: "a", now: t0).pending == 1, check, "the idempotent push added an item")
    }

    @Sendable static func leases(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "leases expire and fence the old holder", pool = try await make()
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 5, id: "x", now: t0)
        _ = try await pool.claim(pool: "p", worker: "old", lease: 10, now: t0)
        try require(
            try await pool.claim(pool: "p", worker: "new", lease: 10, now: t0.addingTimeInterval(5)) == nil, check,
            "an item under a live lease was claimed again")
        try await pool.heartbeat(item: "x", worker: "old", lease: 10, now: t0.addingTimeInterval(5))
        try require(
            try await pool.claim(pool: "p", worker: "new", lease: 10, now: t0.addingTimeInterval(12)) == nil, check, "a heartbeat did not extend the lease")
        let taken = try await pool.claim(pool: "p", worker: "new", lease: 10, now: t0.addingTimeInterval(16))
        try require(taken?.worker == "new" && taken?.attempts == 2, check, "after the lease ran out the item was not claimable: \(String(describing: taken))")
        for operation in ["heartbeat", "complete", "fail"] {
            do {
                let later = t0.addingTimeInterval(17)
                switch operation {
                case "heartbeat": try await pool.heartbeat(item: "x", worker: "old", lease: 10, now: later)
                case "complete": try await pool.complete(item: "x", worker: "old", now: later)
                default: _ = try await pool.fail(item: "x", worker: "old", error: "e", now: later)
                }
                throw ConformanceFailure(check: check, message: "the fenced-off old holder could \(operation)")
            } catch WorkPoolError.notHeld {}
        }
    }

    @Sendable static func retries(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "fail retries then dead-letters", pool = try await make()
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 2, id: "flaky", now: t0)
        _ = try await pool.claim(pool: "p", worker: "w", lease: 30, now: t0)
        let first = try await pool.fail(item: "flaky", worker: "w", error: "boom 1", now: t0)
        try require(first == .pending, check, "the first failure of 2 allowed gave \(first)")
        _ = try await pool.claim(pool: "p", worker: "w", lease: 30, now: t0)
        let second = try await pool.fail(item: "flaky", worker: "w", error: "boom 2", now: t0)
        try require(second == .deadLettered, check, "the last allowed failure gave \(second)")
        try require(try await pool.claim(pool: "p", worker: "w", lease: 30, now: t0) == nil, check, "a dead-lettered item was claimed")
        let dead = try await pool.deadLetters(pool: "p")
        try require(dead.map(\.id) == ["flaky"] && dead.first?.lastError == "boom 2" && dead.first?.attempts == 2, check, "dead letters: \(dead)")
        // An item abandoned (lease ran out) as often as allowed is dead-lettered, not claimed again.
        _ = try await pool.push(pool: "q", payload: payload, maxAttempts: 1, id: "abandoned", now: t0)
        _ = try await pool.claim(pool: "q", worker: "w", lease: 1, now: t0)
        try require(
            try await pool.claim(pool: "q", worker: "w2", lease: 1, now: t0.addingTimeInterval(5)) == nil, check,
            "an item out of attempts was claimed after its lease ran out")
        try require(try await pool.deadLetters(pool: "q").map(\.id) == ["abandoned"], check, "an abandoned item out of attempts was not dead-lettered")
    }

    @Sendable static func release(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "release everything a worker holds", pool = try await make()
        for i in 0..<4 { _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "r\(i)", now: t0) }
        _ = try await pool.claim(pool: "p", worker: "dying", lease: 300, now: t0)
        _ = try await pool.claim(pool: "p", worker: "dying", lease: 300, now: t0)
        _ = try await pool.claim(pool: "p", worker: "alive", lease: 300, now: t0)
        let released = try await pool.releaseAll(worker: "dying", now: t0)
        try require(released == 2, check, "releaseAll released \(released) items, expected 2")
        try require(try await pool.size(pool: "p", now: t0) == PoolSize(pending: 3, claimed: 1, completed: 0, deadLettered: 0), check, "size after release")
        let next = try await pool.claim(pool: "p", worker: "alive", lease: 300, now: t0)
        try require(next?.id == "r0", check, "the released oldest item was not claimed first: \(String(describing: next?.id))")
    }

    @Sendable static func registry(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "stale workers are reaped", pool = try await make()
        try await pool.register(WorkerRecord(id: "w1", capabilities: ["p", "gpu"], heartbeatInterval: 10, lastHeartbeat: t0))
        try await pool.register(WorkerRecord(id: "w2", capabilities: ["p"], heartbeatInterval: 10, lastHeartbeat: t0))
        let workers = try await pool.workers()
        try require(workers.map(\.id) == ["w1", "w2"] && workers.first?.capabilities == ["p", "gpu"], check, "workers: \(workers)")
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "held", now: t0)
        _ = try await pool.claim(pool: "p", worker: "w1", lease: 3600, now: t0)
        try await pool.heartbeat(worker: "w2", now: t0.addingTimeInterval(15))
        try require(
            try await pool.reapStale(now: t0.addingTimeInterval(20), releasingIn: pool).isEmpty, check, "a worker at exactly twice its interval was reaped")
        let reaped = try await pool.reapStale(now: t0.addingTimeInterval(21), releasingIn: pool)
        try require(reaped == ["w1"], check, "reaped \(reaped), expected w1 only")
        try require(try await pool.workers().map(\.id) == ["w2"], check, "the reaped worker is still registered")
        let item = try await pool.claim(pool: "p", worker: "w2", lease: 30, now: t0.addingTimeInterval(21))
        try require(item?.id == "held", check, "the reaped worker's item was not released")
        do {
            try await pool.heartbeat(worker: "w1", now: t0.addingTimeInterval(22))
            throw ConformanceFailure(check: check, message: "a reaped worker could heartbeat")
        } catch is WorkPoolError {}
    }

    @Sendable static func keys(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "items with one key are held one at a time", pool = try await make()
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "s@5", key: "s", now: t0)
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "s@6", key: "s", now: t0)
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "t@1", key: "t", now: t0)
        let first = try await pool.claim(pool: "p", worker: "a", lease: 10, now: t0)
        try require(first?.id == "s@5" && first?.key == "s", check, "first claim: \(String(describing: first))")
        let second = try await pool.claim(pool: "p", worker: "b", lease: 10, now: t0)
        try require(second?.id == "t@1", check, "an item whose key is held was claimed: \(String(describing: second?.id))")
        try require(try await pool.claim(pool: "p", worker: "b", lease: 10, now: t0) == nil, check, "a second item of a held key was claimed")
        try await pool.complete(item: "s@5", worker: "a", now: t0)
        let third = try await pool.claim(pool: "p", worker: "b", lease: 10, now: t0)
        try require(third?.id == "s@6", check, "after the holder completed, the key's next item was not claimable: \(String(describing: third?.id))")
        // A lapsed lease frees the key too.
        _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "s@7", key: "s", now: t0)
        try require(
            try await pool.claim(pool: "p", worker: "c", lease: 10, now: t0.addingTimeInterval(5)) == nil, check, "claimed while the key's lease was live")
        let fourth = try await pool.claim(pool: "p", worker: "c", lease: 10, now: t0.addingTimeInterval(11))
        try require(fourth?.id == "s@6" || fourth?.id == "s@7", check, "a lapsed lease did not free the key: \(String(describing: fourth?.id))")
    }

    @Sendable static func concurrentClaims(_ make: @escaping @Sendable () async throws -> Subject) async throws {
        let check = "concurrent claims never share an item", pool = try await make()
        for i in 0..<200 { _ = try await pool.push(pool: "p", payload: payload, maxAttempts: 3, id: "c\(i)", now: t0) }
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine: [String] = []
                    while let item = try await pool.claim(pool: "p", worker: "w\(worker)", lease: 300, now: t0) {
                        mine.append(item.id)
                        try await pool.complete(item: item.id, worker: "w\(worker)", now: t0)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        try require(claimed.count == 200 && Set(claimed).count == 200, check, "\(claimed.count) claims for 200 items, \(Set(claimed).count) distinct")
    }
}
