public import CairnCore
import CairnTriggers
public import Foundation

extension ProcessService {
    /// Process names the API accepts: a letter, then up to 63 letters, digits, `_` or `-`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter, name.count <= 64 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Deploys a process: checks the configuration, creates its log (`deployed`), and starts it
    /// when asked. A deploy that fails to start leaves no process behind.
    /// - Throws: ``ProcessError`` (`INVALID_NAME`, `PROCESS_EXISTS`, config codes, `START_FAILED`).
    public func deploy(name: String, config json: JSONValue, start: Bool) async throws -> ProcessRecord {
        guard Self.isValidName(name) else {
            throw ProcessError("INVALID_NAME", status: 422, "'\(name)' is not a valid process name: a letter, then up to 63 letters, digits, '_' or '-'")
        }
        if live[name] != nil { throw ProcessError.exists(name) }
        let config: ProcessConfig
        do { config = try ProcessConfig.parse(json) } catch { throw ProcessError(error) }
        try await check(config)
        let now = clock.now()
        let processID = "proc-" + String(Digest(of: Data("\(name)\n\(Timestamps.format(now))\n\(UUID().uuidString)".utf8)).hex.prefix(12))
        let log = try await ProcessLog(processID: processID, name: name, store: store, create: true, at: now)
        live[name] = Live(
            record: ProcessRecord(name: name, processID: processID, created: now, config: config), log: log,
            secrets: ProcessSecrets(config.secrets, now: now))
        byID[processID] = name
        do {
            try await journal(
                name, [(JournalType.deployed, .object(["process_id": .string(processID), "name": .string(name), "config": .object(config.json)]))])
            if start { try await startProcess(name, manual: true) }
        } catch {
            try? await journal(name, [(JournalType.removed, .object(["reason": .string("deploy failed")]))])
            live[name] = nil
            byID[processID] = nil
            if let error = error as? ProcessError {
                throw error.code == "START_FAILED" ? ProcessError("INVALID_CONFIG", status: 422, error.message) : error
            }
            throw error
        }
        poke()
        return try record(name)
    }

    /// Checks what only this build knows: the model's provider and each trigger's kind and options.
    func check(_ config: ProcessConfig) async throws {
        for id in [config.model] + (config.mission.enabled ? [config.mission.evalModel].compactMap { $0 } : []) {
            let model: ProcessModel
            do { model = try ProcessModel.parse(id) } catch { throw ProcessError(error) }
            guard components.knows(.modelProvider, model.provider) else {
                throw ProcessError(
                    "INVALID_CONFIG", status: 422,
                    "config.model: unknown model provider '\(model.provider)'; this build has: \(components.names(.modelProvider).joined(separator: ", "))")
            }
        }
        for (index, trigger) in config.triggers.enumerated() { try await check(trigger, at: "config.triggers[\(index)]") }
    }

    /// Checks one trigger with its kind.
    func check(_ trigger: TriggerSpec, at path: String) async throws {
        guard let triggers else { return }
        do { try await triggers.validate(trigger.definition(name: "check", target: ProcessLog.id(of: "check"))) } catch {
            throw ProcessError("INVALID_CONFIG", status: 422, "\(path): \(error)")
        }
    }

    /// Starts a created, stopped or failed process: `starting`, its triggers attached, `running`.
    /// - Throws: ``ProcessError`` (`INVALID_STATE` from another state, `START_FAILED` when a
    ///   trigger cannot be attached; the process is then `failed`).
    public func start(_ name: String) async throws {
        try await startProcess(name, manual: true)
        poke()
    }

    func startProcess(_ name: String, manual: Bool) async throws {
        let record = try record(name)
        guard record.state.canMove(to: .starting) else {
            throw ProcessError("INVALID_STATE", status: 409, "process '\(name)' is \(record.state.rawValue); only created, stopped or failed processes start")
        }
        try await journal(name, [(JournalType.stateTransition, transition(record.state, .starting, nil, manual: manual))])
        if let refused = await attachTriggers(name) {
            try await journal(name, [(JournalType.stateTransition, transition(.starting, .failed, "start_failed"))])
            await detachTriggers(name)
            throw ProcessError("START_FAILED", status: 500, "process '\(name)' could not start: \(refused)")
        }
        try await journal(name, [(JournalType.stateTransition, transition(.starting, .running))])
    }

    /// Stops a process: `stopping`, runs in flight get `drain` seconds (default: the config's
    /// `drain_timeout`), those still running are interrupted, triggers detached, `stopped`.
    /// - Returns: how many runs were interrupted.
    /// - Throws: ``ProcessError`` for an unknown name or a state that cannot stop.
    @discardableResult
    public func stop(_ name: String, drain: Double? = nil) async throws -> Int {
        let interrupted = try await stopProcess(name, reason: "operator", drain: drain)
        poke()
        return interrupted
    }

    @discardableResult
    func stopProcess(_ name: String, reason: String, drain: Double? = nil) async throws -> Int {
        let record = try record(name)
        if record.state == .stopped || record.state == .created {
            if record.state == .created { try await journal(name, [(JournalType.stateTransition, transition(.created, .stopped, reason))]) }
            return 0
        }
        guard record.state.canMove(to: .stopping) else {
            throw ProcessError("INVALID_STATE", status: 409, "process '\(name)' is \(record.state.rawValue) and cannot stop")
        }
        try await journal(name, [(JournalType.stateTransition, transition(record.state, .stopping, reason))])
        await detachTriggers(name)
        let deadline = clock.now().addingTimeInterval(drain ?? record.config.drainTimeout)
        while let current = live[name]?.record, !current.inFlight.isEmpty, clock.now() < deadline,
            current.inFlight.keys.contains(where: { driving.contains($0) })
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        let left = live[name]?.record.inFlight.keys.sorted() ?? []
        var drafts: [(String, JSONValue)] = left.map { (JournalType.runInterrupted, .object(["invocation_id": .string($0)])) }
        drafts.append((JournalType.stateTransition, transition(.stopping, .stopped, reason)))
        try await journal(name, drafts)
        if record.config.secrets.revokeOnStop { live[name]?.secrets.revokeAll() }
        return left.count
    }

    /// Suspends a running process: no new runs; events keep queueing.
    /// - Throws: ``ProcessError`` `SUSPEND_FAILED` unless running.
    public func suspend(_ name: String) async throws {
        let record = try record(name)
        guard record.state == .running else { throw ProcessError.badTransition("SUSPEND_FAILED", name, from: record.state, to: .suspended) }
        try await journal(name, [(JournalType.stateTransition, transition(.running, .suspended, SuspendReason.manual.rawValue))])
    }

    /// Resumes a suspended process; runs a governance pause held get their `resume`.
    /// - Throws: ``ProcessError`` `RESUME_FAILED` unless suspended.
    public func resume(_ name: String) async throws {
        let record = try record(name)
        guard record.state == .suspended else { throw ProcessError.badTransition("RESUME_FAILED", name, from: record.state, to: .running) }
        let sessions = Sessions(store: store, clock: clock)
        for id in record.pausedRuns.sorted() {
            guard let run = record.inFlight[id] else { continue }
            _ = try await sessions.push(
                Data("resumed by an operator".utf8), header: ObjectHeader(contentType: "text/plain", name: "resume"), to: run.session, source: "process")
        }
        try await journal(name, [(JournalType.stateTransition, transition(.suspended, .running, "resumed"))])
        poke()
    }

    /// Stops (if active) and starts again.
    public func restart(_ name: String) async throws {
        let record = try record(name)
        if record.state == .running || record.state == .suspended || record.state == .starting { try await stopProcess(name, reason: "restart") }
        if let state = live[name]?.record.state, state == .failed {
            try await journal(
                name,
                [
                    (JournalType.stateTransition, transition(.failed, .stopping, "restart")),
                    (JournalType.stateTransition, transition(.stopping, .stopped, "restart")),
                ])
        }
        try await startProcess(name, manual: true)
        poke()
    }

    /// Removes a process: stopped at once, its triggers detached, `removed` journaled.
    public func remove(_ name: String) async throws {
        let record = try record(name)
        if record.state != .stopped && record.state != .created && record.state != .failed { try await stopProcess(name, reason: "removed", drain: 0) }
        await detachTriggers(name)
        try await journal(name, [(JournalType.removed, .object([:]))])
        live[name] = nil
        byID[record.processID] = nil
    }

    /// Attaches the process's triggers that are not attached; the first refusal, if any.
    @discardableResult
    func attachTriggers(_ name: String) async -> String? {
        guard let triggers, let record = live[name]?.record else { return nil }
        let log = ProcessLog.id(of: record.processID)
        let processID = record.processID
        for trigger in record.triggers where live[name]?.attached[trigger.id] == nil {
            let serviceName = "process-\(processID)-\(trigger.id)"
            do {
                _ = try await triggers.attach(trigger.spec.definition(name: serviceName, target: log)) { [weak self] _, _ in self?.fired(processID) }
                live[name]?.attached[trigger.id] = serviceName
            } catch {
                return "trigger \(trigger.id): \(error)"
            }
        }
        return nil
    }

    /// Detaches every trigger of the process.
    func detachTriggers(_ name: String) async {
        guard let triggers, let attached = live[name]?.attached else { return }
        for serviceName in attached.values { await triggers.detach(serviceName) }
        live[name]?.attached = [:]
    }
}
