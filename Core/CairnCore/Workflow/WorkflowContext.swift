public import Foundation
import Synchronization

/// What a workflow uses to do anything with an effect. Every call is a numbered position in the
/// run: the first time, its result is journaled durably before it returns; on a replay after a
/// crash or a restart, the recorded result is returned without running anything again.
///
/// Call these from the workflow's own task in a fixed order (use ``all(_:_:)`` or
/// ``sample(_:count:keepSuccesses:policy:timeout:_:)`` for concurrency), so positions are the same
/// on every run. A mismatch on replay throws ``NondeterminismError``.
public final class WorkflowContext: Sendable {
    let journal: Journal
    let history: WorkflowHistory
    let clock: any WallClock
    let store: any Store
    let scope: String
    let patches: Set<String>
    /// Replay only (``WorkflowReplay``): a call without a record stops the run with
    /// ``ReplayStop`` instead of running its body, and nothing is ever journaled.
    let replayOnly: Bool
    private let counter = Mutex(0)

    init(
        journal: Journal, history: WorkflowHistory, clock: any WallClock, store: any Store, patches: Set<String>, scope: String = "",
        replayOnly: Bool = false
    ) {
        self.journal = journal
        self.history = history
        self.clock = clock
        self.store = store
        self.patches = patches
        self.scope = scope
        self.replayOnly = replayOnly
    }

    func nextPosition() -> String {
        scope
            + String(
                counter.withLock { value in
                    defer { value += 1 }; return value
                })
    }

    /// Runs `body` once and journals its result; on replay returns the recorded result.
    /// - Parameters:
    ///   - policy: retries of a failed attempt (in this invocation; a crash starts the attempts again).
    ///   - timeout: per attempt; the attempt's task is cancelled when it runs out.
    /// - Throws: ``StepFailed`` when the step failed (also on replay), ``NondeterminismError``.
    public func step<T: Codable & Sendable>(
        _ name: String, policy: RetryPolicy = .none, timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await journaled(.step, name, at: nextPosition(), policy: policy, timeout: timeout, body)
    }

    /// The current time, recorded on the first run.
    public func now() async throws -> Date {
        try await journaled(.now, "now", at: nextPosition()) { [clock] in clock.now() }
    }

    /// A random number, recorded on the first run.
    public func random(in range: ClosedRange<Int> = 0...Int.max) async throws -> Int {
        try await journaled(.random, "random", at: nextPosition()) { Int.random(in: range) }
    }

    /// A UUID, recorded on the first run.
    public func uuid() async throws -> UUID {
        try await journaled(.uuid, "uuid", at: nextPosition()) { UUID() }
    }

    /// Sleeps durably: the session sleeps on the runtime's timers and the workflow continues
    /// after the wake, also across restarts.
    public func sleep(for duration: Duration, reason: String = "") async throws {
        let end = clock.now().addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        try await sleep(until: end, reason: reason)
    }

    /// Sleeps durably until `date`.
    public func sleep(until date: Date, reason: String = "") async throws {
        let name = reason.isEmpty ? "sleep" : reason
        let position = nextPosition()
        let until = try await journaled(.sleep, name, at: position) { Timestamps.truncatedToMilliseconds(date) }
        guard clock.now() < until else { return }
        if replayOnly { throw history.stop(ReplayStop(position: position, asked: "sleep '\(name)' until \(Timestamps.format(until))", recorded: true)) }
        throw WorkflowSuspension.sleep(until: until, reason: reason)
    }

    /// Waits for a value pushed to the session under `name` (`cairn push --name NAME`): the
    /// session pauses until it arrives. Each call consumes the next such push, oldest first.
    /// - Throws: ``StepFailed`` if the pushed body does not decode as `T` (that push is consumed).
    public func signal<T: Codable & Sendable>(_ name: String, as type: T.Type = T.self) async throws -> T {
        let position = nextPosition()
        if let recorded = try await replay(.signal, name, at: position) { return try decode(recorded, as: T.self) }
        if replayOnly { throw history.stop(ReplayStop(position: position, asked: "signal '\(name)'", recorded: false)) }
        guard let push = takeSignal(name) else { throw WorkflowSuspension.signal(name: name) }
        let body = try await history.blobs.body(of: push)
        let extra = ["seq": String(push.seq)]
        do {
            let value = try StepJSON.decode(T.self, from: body)
            try await write(
                StepRecord(position: position, name: name, kind: .signal, succeeded: true, attempts: 1, durationMilliseconds: 0, body: body, extra: extra))
            return value
        } catch let error as DecodingError {
            let failure = StepErrorBody(error: "the signal's body does not decode as \(T.self): \(error)", type: "DecodingError")
            try await write(
                StepRecord(
                    position: position, name: name, kind: .signal, succeeded: false, attempts: 1, durationMilliseconds: 0,
                    body: try StepJSON.encode(failure), extra: extra))
            throw StepFailed(step: name, position: position, message: failure.error, type: failure.type)
        }
    }

    private let takenSignals = Mutex<Set<Int>>([])

    private func takeSignal(_ name: String) -> Entry? {
        takenSignals.withLock { taken in
            guard let push = history.pushes[name]?.first(where: { !history.takenPushes.contains($0.seq) && !taken.contains($0.seq) }) else { return nil }
            taken.insert(push.seq)
            return push
        }
    }

    /// The session the run belongs to.
    public var session: SessionID { journal.session }

    /// Whether this run was started by code that has the patch `id` (see ``Workflow/patches``).
    /// Runs started before a deploy keep answering false for patches added by it, at any point,
    /// including runs waiting at the time; new runs answer true. Branch on it:
    ///
    /// ```swift
    /// if context.patched("fraud-check") { try await context.step("fraud check") { ... } }
    /// ```
    public func patched(_ id: String) -> Bool { patches.contains(id) }

    /// `max` for runs started with the patch `id`, `min` for runs started before it.
    public func version(_ id: String, min: Int, max: Int) -> Int { patched(id) ? max : min }

    /// Runs `bodies` concurrently as steps named `name[0]`, `name[1]`, ...; returns their results in
    /// order. Positions are reserved up front, so the replay is the same whatever order they finished in.
    /// - Throws: the first ``StepFailed`` (by position) if any branch failed.
    public func all<T: Codable & Sendable>(
        _ name: String, policy: RetryPolicy = .none, timeout: Duration? = nil,
        _ bodies: [@Sendable () async throws -> T]
    ) async throws -> [T] {
        let outcomes = try await branches(name, separator: "[", policy: policy, timeout: timeout, bodies)
        return try outcomes.map { try $0.get() }
    }

    /// Runs `body(0)`, `body(1)`, ... `body(count - 1)` concurrently as steps named `name[i]`; returns
    /// their results in order (the same as ``all(_:policy:timeout:_:)`` with one closure per index).
    public func all<T: Codable & Sendable>(
        _ name: String, count: Int, policy: RetryPolicy = .none, timeout: Duration? = nil,
        _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await all(name, policy: policy, timeout: timeout, (0..<max(0, count)).map { index in { @Sendable () async throws -> T in try await body(index) } })
    }

    /// Takes `count` samples of `body` concurrently (steps `name#0`...), keeping the successes
    /// (`keepSuccesses`) or failing if any sample failed.
    public func sample<T: Codable & Sendable>(
        _ name: String, count: Int, keepSuccesses: Bool = true, policy: RetryPolicy = .none,
        timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> [T] {
        let outcomes = try await branches(name, separator: "#", policy: policy, timeout: timeout, Array(repeating: body, count: max(1, count)))
        if keepSuccesses {
            let successes = outcomes.compactMap { try? $0.get() }
            if successes.isEmpty, case .failure(let error)? = outcomes.first { throw error }
            return successes
        }
        return try outcomes.map { try $0.get() }
    }

    /// Voting (first-to-ahead-by-k, as flatmachines' mdap_voting): samples `body` one at a time
    /// (steps `name#0`...) until one answer leads every other by `margin` votes; failed samples
    /// do not vote. - Throws: ``NoConsensus`` after `maxSamples` without a winner.
    public func vote<T: Codable & Sendable & Hashable>(
        _ name: String, margin: Int, maxSamples: Int, policy: RetryPolicy = .none,
        timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        var tally: [T: Int] = [:]
        for index in 0..<max(1, maxSamples) {
            do {
                tally[try await journaled(.step, "\(name)#\(index)", at: nextPosition(), policy: policy, timeout: timeout, body), default: 0] += 1
            } catch is StepFailed {
                // A failed sample does not vote.
            }
            let ranked = tally.sorted { $0.value > $1.value }
            if let leader = ranked.first, leader.value - (ranked.dropFirst().first?.value ?? 0) >= margin { return leader.key }
        }
        throw NoConsensus(step: name, samples: maxSamples)
    }

    /// A child workflow: `body` runs with its own numbered scope (positions `P/0`, `P/1`...) under
    /// one position of this one, so a child's steps can change without shifting the parent's.
    public func child<T: Sendable>(_ name: String, _ body: (WorkflowContext) async throws -> T) async throws -> T {
        let position = nextPosition()
        _ = try await journaled(.child, name, at: position) { true }
        return try await body(
            WorkflowContext(
                journal: journal, history: history, clock: clock, store: store, patches: patches, scope: position + "/",
                replayOnly: replayOnly))
    }

    private func branches<T: Codable & Sendable>(
        _ name: String, separator: String, policy: RetryPolicy, timeout: Duration?,
        _ bodies: [@Sendable () async throws -> T]
    ) async throws -> [Result<T, any Error>] {
        let positions = bodies.map { _ in nextPosition() }
        let close = separator == "[" ? "]" : ""
        return try await withThrowingTaskGroup(of: (Int, Result<T, any Error>).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask {
                    do {
                        return (
                            index,
                            .success(
                                try await self.journaled(
                                    .step, "\(name)\(separator)\(index)\(close)", at: positions[index],
                                    policy: policy, timeout: timeout, body))
                        )
                    } catch let failure as StepFailed {
                        return (index, .failure(failure))
                    }
                }
            }
            var outcomes = [Result<T, any Error>?](repeating: nil, count: bodies.count)
            for try await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0 ?? .failure(CancellationError()) }
        }
    }

    // MARK: The journal

    func peekPosition() -> String { scope + String(counter.withLock { $0 }) }
    func advance() { counter.withLock { $0 += 1 } }

    /// Journals the outcome of `body` at `position`, or returns the recorded one on replay.
    func journaled<T: Codable & Sendable>(
        _ kind: StepKind, _ name: String, at position: String, policy: RetryPolicy = .none, timeout: Duration? = nil,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        if let recorded = try await replay(kind, name, at: position) { return try decode(recorded, as: T.self) }
        if replayOnly { throw history.stop(ReplayStop(position: position, asked: "\(kind.rawValue) '\(name)'", recorded: false)) }
        let started = ContinuousClock.now
        let (outcome, attempts) = try await Attempt.withRetries(policy, timeout: timeout, body)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        switch outcome {
        case .success(let value):
            let body = try StepJSON.encode(value)
            try await write(
                StepRecord(
                    position: position, name: name, kind: kind, succeeded: true, attempts: attempts,
                    durationMilliseconds: milliseconds, body: body))
            // Return what a replay will return (e.g. a Date rounded to milliseconds), not the raw value.
            return try StepJSON.decode(T.self, from: body)
        case .failure(let error):
            let failure = StepErrorBody(error: "\(error)", type: String(describing: type(of: error)))
            try await write(
                StepRecord(
                    position: position, name: name, kind: kind, succeeded: false, attempts: attempts,
                    durationMilliseconds: milliseconds, body: try StepJSON.encode(failure)))
            throw StepFailed(step: name, position: position, message: failure.error, type: failure.type)
        }
    }

    /// The recorded step at `position`, checked against what the workflow asks for; nil when the
    /// position has no record yet (the run is live there).
    func replay(_ kind: StepKind, _ name: String, at position: String) async throws -> StepRecord? {
        guard let entry = history.entry(at: position) else { return nil }
        guard let record = try await history.consume(position) else {
            throw NondeterminismError(position: position, recorded: "a malformed step entry #\(entry.seq)", asked: "\(kind.rawValue) '\(name)'")
        }
        guard record.kind == kind, record.name == name else {
            throw NondeterminismError(position: position, recorded: "\(record.kind.rawValue) '\(record.name)'", asked: "\(kind.rawValue) '\(name)'")
        }
        return record
    }

    func decode<T: Decodable>(_ record: StepRecord, as type: T.Type) throws -> T {
        guard record.succeeded else {
            let failure = try? StepJSON.decode(StepErrorBody.self, from: record.body)
            throw StepFailed(step: record.name, position: record.position, message: failure?.error ?? record.errorMessage, type: failure?.type ?? "Error")
        }
        do {
            return try StepJSON.decode(T.self, from: record.body)
        } catch {
            throw NondeterminismError(
                position: record.position, recorded: "\(record.kind.rawValue) '\(record.name)' with a result that is not a \(T.self)",
                asked: "\(record.kind.rawValue) '\(record.name)' returning \(T.self)")
        }
    }

    func write(_ record: StepRecord) async throws {
        if replayOnly { throw history.stop(ReplayStop(position: record.position, asked: "\(record.kind.rawValue) '\(record.name)'", recorded: false)) }
        let digest = try await store.put(record.body)
        let draft = EntryDraft(event: .step, header: record.header, digest: digest, size: record.body.count, time: clock.now(), source: "workflow")
        _ = try await journal.record(draft)
        if await journal.logMoved { throw InvocationRestart(reason: "entries arrived while the workflow ran") }
    }
}
