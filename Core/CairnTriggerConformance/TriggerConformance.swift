public import CairnCore
public import CairnTriggers
public import Foundation

/// The conformance kit of trigger kinds: every kind, ours or a third party's, runs it against
/// itself (Docs/extending.md).
///
/// It runs the kind in a ``TriggerService`` over a memory store with a ``ManualTriggerClock``,
/// lets the caller provoke fires, and checks the ``Trigger`` requirements:
/// - the factory refuses an option key it does not know, naming it;
/// - provoked fires are recorded once each and pushed as entries with source `trigger`, the
///   trigger's name and the fire id;
/// - the trigger stops promptly when its task is cancelled;
/// - after a restart on the same store, provoking the same thing again records no fire twice and
///   pushes none twice.
public struct TriggerConformance: Sendable {
    /// What the provoking closure gets.
    public struct Stage: Sendable {
        /// The manual clock the trigger waits on.
        public let clock: ManualTriggerClock
        /// The store fires are recorded in.
        public let store: any Store
        /// The running service (for kinds that receive requests: ``TriggerService/ingress(for:)``).
        public let service: TriggerService
        /// Which run this is: 1, then 2 after the restart.
        public let round: Int
    }

    /// A failed requirement.
    public struct Failure: Error, CustomStringConvertible {
        /// What was expected and what happened.
        public let description: String
    }

    /// The components with the kind registered.
    public var components: Components
    /// The trigger to check (its kind, options and target).
    public var definition: TriggerDefinition
    /// Where the clock starts.
    public var start: Date
    /// Makes the trigger fire at least `minimumFires` times (advance the clock, post a request,
    /// touch a file, append an entry). Called once per round, with the same effect each time.
    public var provoke: @Sendable (Stage) async throws -> Void
    /// How many fires one provocation must record in the first round.
    public var minimumFires: Int
    /// How long to wait for fires and for the trigger to stop, in seconds.
    public var timeout: TimeInterval

    /// Creates a check.
    public init(
        components: Components, definition: TriggerDefinition, start: Date = Date(timeIntervalSince1970: 1_800_000_000), minimumFires: Int = 1,
        timeout: TimeInterval = 20, provoke: @escaping @Sendable (Stage) async throws -> Void
    ) {
        self.components = components
        self.definition = definition
        self.start = start
        self.minimumFires = minimumFires
        self.timeout = timeout
        self.provoke = provoke
    }

    /// Runs every check.
    /// - Throws: ``Failure`` for the first requirement not met; errors from the kind or the store.
    public func run() async throws {
        try await checkUnknownOption()
        let store = MemoryStore()
        let clock = ManualTriggerClock(start)
        let first = try await round(1, store: store, clock: clock)
        guard first >= minimumFires else { throw Failure(description: "the provocation recorded \(first) fires, expected at least \(minimumFires)") }
        _ = try await round(2, store: store, clock: clock)
    }

    private func checkUnknownOption() async throws {
        var bad = definition
        bad.options["no_such_option_for_conformance"] = .bool(true)
        do {
            _ = try await components.make(.trigger, definition.kind, TriggerConfiguration(definition: bad, store: MemoryStore()))
        } catch let error as ComponentError {
            guard error.description.contains("no_such_option_for_conformance") else {
                throw Failure(description: "refusing an unknown key, the error does not name it: \(error)")
            }
            return
        }
        throw Failure(description: "the factory accepted the unknown key no_such_option_for_conformance")
    }

    /// One run of the service: provoke, wait for the fires, stop, check. Returns the fires recorded in it.
    private func round(_ round: Int, store: any Store, clock: ManualTriggerClock) async throws -> Int {
        let before = try await fireRecords(store)
        let service = TriggerService(
            store: store, components: components, configured: [definition], clock: clock, pollInterval: .milliseconds(20),
            checkpointInterval: 86_400 * 365)
        try await service.prepare()
        let task = Task { await service.run() }
        try await Self.eventually(timeout: timeout, "the trigger to start") { (try? await service.status(definition.name).state) == .running }
        try await provoke(Stage(clock: clock, store: store, service: service, round: round))
        if round == 1 {
            try await Self.eventually(timeout: timeout, "\(minimumFires) fire(s) to be recorded") {
                (try await fireRecords(store).count - before.count) >= minimumFires
            }
        }
        let stopped = ContinuousClock.now
        task.cancel()
        await task.value
        let stopTime = ContinuousClock.now - stopped
        guard stopTime < .seconds(timeout) else { throw Failure(description: "the trigger took \(stopTime) to stop after cancellation") }
        let records = try await fireRecords(store)
        let ids = records.map(\.id)
        guard Set(ids).count == ids.count else { throw Failure(description: "a fire id was recorded twice: \(ids)") }
        try await checkPushes(records, store: store)
        return records.count - before.count
    }

    private struct FireRecord {
        let id: String
        let session: SessionID
    }

    private func fireRecords(_ store: any Store) async throws -> [FireRecord] {
        let log = FireLog.id(of: definition.name)
        guard (try? await store.sessionInfo(log)) != nil else { return [] }
        return try await store.readOwn(log, from: 0, limit: nil).compactMap { entry in
            guard entry.event.name == "fire", let id = entry.header.metadata["fire"], let session = entry.header.metadata["session"] else { return nil }
            return FireRecord(id: id, session: try SessionID(session))
        }
    }

    private func checkPushes(_ records: [FireRecord], store: any Store) async throws {
        var pushes: [String: Int] = [:]
        for session in Set(records.map(\.session)) {
            for entry in try await store.readOwn(session, from: 0, limit: nil) where entry.event == .push && entry.source == "trigger" {
                guard entry.header.metadata["trigger"] == definition.name, let fire = entry.header.metadata["fire"] else {
                    throw Failure(description: "a push with source trigger lacks metadata trigger=\(definition.name) and fire: \(entry.header.metadata)")
                }
                pushes[fire, default: 0] += 1
            }
        }
        for record in records where pushes[record.id] != 1 {
            throw Failure(description: "fire \(record.id) was pushed \(pushes[record.id] ?? 0) times into \(record.session), expected once")
        }
    }

    /// Waits until `condition` holds, checking every 10 ms, for at most `timeout` seconds.
    /// - Throws: ``Failure`` naming `what` when the time runs out.
    public static func eventually(timeout: TimeInterval = 20, _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw Failure(description: "timed out after \(timeout) s waiting for \(what)")
    }
}
