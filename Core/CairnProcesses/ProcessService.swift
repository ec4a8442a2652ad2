public import CairnCore
public import CairnTriggers
public import Foundation
public import Logging
import Synchronization

/// The agent processes of one store: deploys, lifecycles, triggers, inbox, runs and live
/// changes, every change an entry of the process's log (agent `cairn.process`), so a restarted
/// server folds the logs back into the same processes (Docs/processes.md).
///
/// ``run()`` is the dispatcher: it starts the runs the processes' queues ask for (up to each
/// process's `concurrency`), restarts failed processes by their restart policy, suspends idle
/// ones, and drives the runs as child tasks. Operations are actor methods; they journal first
/// and then change what is live.
public actor ProcessService {
    struct Live {
        var record: ProcessRecord
        let log: ProcessLog
        var secrets: ProcessSecrets
        /// Trigger service names attached, by trigger id.
        var attached: [String: String] = [:]
    }

    let store: any Store
    let components: Components
    let triggers: TriggerService?
    let clock: any WallClock
    let logger: Logger
    let environment: [String: String]
    let pollInterval: Double
    var live: [String: Live] = [:]
    var byID: [String: String] = [:]
    /// Runs being driven now (by run id).
    var driving: Set<String> = []
    var observations: [SessionID: RunObservations] = [:]
    var models: [String: ConfiguredModel] = [:]
    let ledger = MemoryUsageLedger()
    /// Processes whose logs got fires since the dispatcher last looked.
    let dirty = Mutex<Set<String>>([])
    let events: AsyncStream<Void>
    let signal: AsyncStream<Void>.Continuation

    /// The agent name of run sessions (a system log: the main runtime never drives them).
    public static let runAgent = "cairn.process-run"

    /// Creates the service over `store`; `triggers` serves the processes' triggers; model ids
    /// resolve through the `modelProvider` kinds of `components` with `environment`.
    public init(
        store: any Store, components: Components, triggers: TriggerService?, clock: any WallClock = SystemWallClock(),
        environment: [String: String] = ProcessInfo.processInfo.environment, pollInterval: Double = 0.25,
        logger: Logger = Logger(label: "cairn.processes")
    ) {
        self.store = store
        self.components = components
        self.triggers = triggers
        self.clock = clock
        self.environment = environment
        self.pollInterval = pollInterval
        self.logger = logger
        (events, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Folds every process log of the store; processes that were running or suspended get their
    /// triggers back and journal `recovered`; runs in flight are driven again by ``run()``.
    /// - Throws: store errors.
    public func load() async throws {
        for info in try await store.listSessions() where info.agent == ProcessLog.agent {
            guard let name = info.metadata["process"], live[name] == nil else { continue }
            let log = try await ProcessLog(opening: info.id, store: store)
            guard let first = try await log.read(from: 0).compactMap(\.1).first(where: { $0.type == JournalType.deployed }),
                let processID = first.data["process_id"]?.stringValue, let config = first.data["config"].flatMap({ try? ProcessConfig.parse($0) })
            else { continue }
            var record = ProcessRecord(name: name, processID: processID, created: first.time, config: config)
            for (raw, entry) in try await log.read(from: 0) {
                if let entry { record.apply(entry) }
                record.folded = max(record.folded, raw.seq + 1)
            }
            guard !record.removed else { continue }
            live[name] = Live(record: record, log: log, secrets: ProcessSecrets(record.config.secrets, now: clock.now()))
            byID[processID] = name
            if record.state == .running || record.state == .suspended || record.state == .starting {
                if record.state == .starting { try await journal(name, [(JournalType.stateTransition, transition(.starting, .running, "recovered"))]) }
                try await journal(name, [(JournalType.recovered, .object(["invocation_count": .number(Double(record.invocationCount))]))])
                await attachTriggers(name)
            }
        }
        signal.yield()
    }

    /// Dispatches runs until cancelled; runs in flight are then left to resume on the next start.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { [signal = self.signal, interval = self.pollInterval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(interval))
                    signal.yield()
                }
            }
            for await _ in events {
                if Task.isCancelled { break }
                for job in await dueJobs() { group.addTask { await self.drive(job) } }
            }
            group.cancelAll()
        }
    }

    /// Starts what is due and drives those runs to their end, one after another (tests and tools).
    public func runDue() async {
        for job in await dueJobs() { await drive(job) }
    }

    /// Asks the dispatcher to look for work now.
    func poke() { signal.yield() }

    // MARK: journal

    /// Appends entries to a process's log (re-reading and folding what others appended meanwhile)
    /// and folds them into its record.
    @discardableResult
    func journal(_ name: String, _ drafts: [(String, JSONValue)]) async throws -> [JournalEntry] {
        guard !drafts.isEmpty, let process = live[name] else { return [] }
        let redacted = drafts.map { (type: $0.0, data: process.secrets.redact($0.1)) }
        while true {
            try await refresh(name)
            guard let current = live[name] else { return [] }
            if let entries = try await current.log.append(redacted, at: clock.now(), expected: current.record.folded) {
                guard var record = live[name]?.record else { return entries }
                for entry in entries { record.apply(entry) }
                live[name]?.record = record
                return entries
            }
        }
    }

    /// Folds the entries others appended (trigger fires) into the record.
    func refresh(_ name: String) async throws {
        guard let process = live[name] else { return }
        let entries = try await process.log.read(from: process.record.folded)
        guard !entries.isEmpty, var record = live[name]?.record else { return }
        for (raw, entry) in entries {
            if let entry { record.apply(entry) }
            record.folded = max(record.folded, raw.seq + 1)
        }
        live[name]?.record = record
    }

    /// Called (from any thread) when a trigger delivered a fire into a process's log.
    nonisolated func fired(_ processID: String) {
        dirty.withLock { _ = $0.insert(processID) }
        signal.yield()
    }

    func transition(_ from: ProcessState, _ to: ProcessState, _ reason: String? = nil, manual: Bool = false) -> JSONValue {
        var data: [String: JSONValue] = ["from": .string(from.rawValue), "to": .string(to.rawValue)]
        if let reason { data["reason"] = .string(reason) }
        if manual { data["manual"] = .bool(true) }
        return .object(data)
    }

    /// The record of `name`.
    /// - Throws: ``ProcessError/notFound(_:)``.
    func record(_ name: String) throws(ProcessError) -> ProcessRecord {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        return process.record
    }

    /// The names of the processes, sorted.
    public var names: [String] { live.keys.sorted() }
}
