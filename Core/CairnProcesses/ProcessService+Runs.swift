import CairnCore
import Foundation
import Logging
import Synchronization

/// A run to drive: its process, id and session.
struct RunJob: Sendable {
    let name: String
    let processID: String
    let runID: String
    let session: SessionID
}

extension ProcessService {
    /// What is due now across processes: restarts, idle suspensions, new runs, runs to resume.
    func dueJobs() async -> [RunJob] {
        let now = clock.now()
        let changed = dirty.withLock { dirty -> Set<String> in
            defer { dirty = [] }
            return dirty
        }
        for id in changed { if let name = byID[id] { try? await refresh(name) } }
        var jobs: [RunJob] = []
        for name in live.keys.sorted() {
            do { jobs += try await due(name, now: now) } catch {
                logger.error("process \(name): \(error)")
            }
        }
        return jobs
    }

    private func due(_ name: String, now: Date) async throws -> [RunJob] {
        guard let record = live[name]?.record else { return [] }
        if record.state == .failed {
            try await restartIfDue(name, record, now: now)
            return []
        }
        var jobs: [RunJob] = []
        for run in record.inFlight.values.sorted(by: { $0.id < $1.id })
        where !driving.contains(run.id) && !record.pausedRuns.contains(run.id) {
            driving.insert(run.id)
            jobs.append(RunJob(name: name, processID: record.processID, runID: run.id, session: run.session))
        }
        guard record.state == .running else { return jobs }
        let config = record.config
        if config.idleTimeout > 0, record.inFlight.isEmpty, record.queue.isEmpty, now.timeIntervalSince(record.lastActivity) >= config.idleTimeout {
            try await journal(name, [(JournalType.stateTransition, transition(.running, .suspended, SuspendReason.idle.rawValue))])
            return jobs
        }
        if config.maxLifetime > 0, let started = record.lastStart, now.timeIntervalSince(started) >= config.maxLifetime, record.inFlight.isEmpty {
            try await stopProcess(name, reason: "max_lifetime")
            if config.restartPolicy == "always" {
                try await journal(name, [(JournalType.restart, .object(["reason": .string("max_lifetime"), "counts": .bool(false)]))])
                try await startProcess(name, manual: false)
            }
            return jobs
        }
        while let current = live[name]?.record, current.state == .running, current.inFlight.count < config.concurrency,
            let event = current.queue.first
        {
            if let job = try await startRun(name, event, now: now) {
                driving.insert(job.runID)
                jobs.append(job)
            }
        }
        return jobs
    }

    private func restartIfDue(_ name: String, _ record: ProcessRecord, now: Date) async throws {
        let config = record.config
        guard config.restartPolicy != "never", !record.restartExhausted, let failedAt = record.failedAt, record.failedByRuns else { return }
        if record.restartCount >= config.maxRestarts {
            try await journal(name, [(JournalType.restartExhausted, .object(["restart_count": .number(Double(record.restartCount))]))])
            logger.warning("process \(name): gave up after \(record.restartCount) restarts")
            return
        }
        let delay = min(config.restartBackoff * pow(2, Double(record.restartCount)), 60)
        guard now.timeIntervalSince(failedAt) >= delay else { return }
        try await journal(
            name, [(JournalType.restart, .object(["attempt": .number(Double(record.restartCount + 1)), "delay_seconds": .number(delay)]))])
        try await startProcess(name, manual: false)
    }

    /// Starts a run for `event`: its prompt (operator messages numbered), its session, then the
    /// `invocation_start` entry. Nil when the event was dead-lettered instead.
    private func startRun(_ name: String, _ event: QueuedEvent, now: Date) async throws -> RunJob? {
        guard let process = live[name] else { return nil }
        let record = process.record
        let budget = record.config.budget
        if budget.enabled, let limit = budget.maxRunsPerDay, record.runsToday(now) >= limit {
            try await journal(
                name,
                [
                    (JournalType.budgetViolation, .object(["rule": .string("max_runs_per_day"), "limit": .number(Double(limit))])),
                    (JournalType.deadLetter, .object(["event": event.json, "reason": .string("max_runs_per_day (\(limit)) reached")])),
                ])
            return nil
        }
        let pending = record.config.inboxSettings.enabled ? record.inbox.pending(now: now) : []
        var questions: [String: JSONValue] = [:]
        for (index, message) in pending.filter({ $0.type == .question }).enumerated() { questions["\(index + 1)"] = .string(message.id) }
        let consumed = pending.filter { $0.type != .question }.map { JSONValue.string($0.id) }
        let prompt: String
        switch event {
        case .fire(let seq, let trigger, let eventID):
            let triggerID = Self.triggerID(trigger, processID: record.processID)
            let spec = record.triggers.first { $0.id == triggerID }?.spec
            let payload = String(decoding: try await process.log.payload(at: seq), as: UTF8.self)
            let limit = record.config.triggerDelivery.maxPayloadChars
            let text = payload.count > limit ? String(payload.prefix(limit)) + "\n[... truncated \(payload.count - limit) characters ...]" : payload
            prompt = ProcessPrompt.triggerMessage(
                type: spec?.type ?? "trigger", triggerID: triggerID, eventID: eventID, at: now, payload: text,
                trusted: spec?.json["trusted"] == .bool(true), tagSeed: "\(record.processID)\n\(eventID)")
        case .message(let id):
            guard !pending.isEmpty else {
                try await journal(name, [(JournalType.deadLetter, .object(["event": event.json, "reason": .string("message \(id) expired or was removed")]))])
                return nil
            }
            prompt =
                "[Inbox] Operator messages are waiting in the OPERATOR MESSAGES block of your instructions. Act on them, and answer every question as asked."
        }
        let runID = "inv-\(record.runsStarted + 1)"
        let today = (try? await ledger.usage(agent: record.processID, on: now)) ?? UsageCounters()
        let instructions = ProcessPrompt.instructions(record, inbox: ProcessPrompt.inboxBlock(pending, now: now), today: today, now: now)
        let mission = record.config.mission
        var judge: ProcessRunInput.JudgeInput?
        if mission.enabled, record.missionState == .active, (record.invocationCount + 1) % mission.evalEvery == 0 {
            judge = ProcessRunInput.JudgeInput(
                system: MissionJudge.system,
                user: MissionJudge.question(mission, invocation: record.invocationCount + 1, context: record.context, prompt: prompt))
        }
        let input = ProcessRunInput(
            process: name, processID: record.processID, invocation: runID, instructions: instructions,
            history: record.config.context.conversationHistory ? record.conversation : [], prompt: prompt, judge: judge)
        let session = SessionID.derived(from: "process-run\n\(record.processID)\n\(runID)\n\(record.folded)", at: now)
        let body = try JSONEncoder().encode(input)
        do {
            _ = try await Sessions(store: store, clock: clock).create(
                id: session, agent: Self.runAgent, metadata: ["process_id": record.processID, "process": name, "invocation": runID],
                pushing: [(ObjectHeader(contentType: ContentTypes.json, name: "input"), body)], source: "process")
        } catch CairnError.sessionExists {}
        try await journal(
            name,
            [
                (
                    JournalType.invocationStart,
                    .object([
                        "invocation_id": .string(runID), "session": .string(session.rawValue), "event": event.json, "event_id": .string(event.eventID),
                        "questions": .object(questions), "consumed": .array(consumed), "prompt": .string(prompt),
                    ])
                )
            ])
        return RunJob(name: name, processID: record.processID, runID: runID, session: session)
    }

    /// Drives a run's session until it finishes, fails or pauses, then records the outcome.
    nonisolated func drive(_ job: RunJob) async {
        let handler = ProcessRunHandler(agentFor: { processID, session in try await self.agent(for: processID, session: session) })
        let runtime = Runtime(store: store, handler: handler, clock: clock, options: RuntimeOptions(source: "process"), logger: logger)
        do {
            _ = try await runtime.drive(job.session)
        } catch {
            await release(job, error)
            return
        }
        await finished(job)
    }

    private func release(_ job: RunJob, _ error: any Error) {
        driving.remove(job.runID)
        if !(error is CancellationError) { logger.error("process \(job.name): run \(job.runID) could not be driven: \(error)") }
    }

    /// The trigger id of a trigger service name (`process-<process id>-<trigger id>`).
    static func triggerID(_ serviceName: String, processID: String) -> String {
        let prefix = "process-\(processID)-"
        return serviceName.hasPrefix(prefix) ? String(serviceName.dropFirst(prefix.count)) : serviceName
    }
}
