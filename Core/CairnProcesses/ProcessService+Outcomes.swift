import CairnCore
import Foundation
import Logging

extension ProcessService {
    /// Records how a driven run ended: its result, answers, mission verdict, governance
    /// decisions, failures and what they lead to (failed state, dead letters, a stop).
    func finished(_ job: RunJob) async {
        driving.remove(job.runID)
        guard let record = live[job.name]?.record, let run = record.inFlight[job.runID] else { return }
        let decisions = observations.removeValue(forKey: run.session)?.drain() ?? []
        do {
            let entries = try await store.readOwn(run.session, from: 0, limit: nil)
            guard let last = entries.last else { return }
            let governance = governanceEntries(decisions, run: job.runID, paused: last.event == .pause)
            switch last.event {
            case .finish:
                guard let result = entries.last(where: { $0.event == .push && $0.header.name == "result" }) else { return }
                let output = try JSONDecoder().decode(ProcessRunOutput.self, from: try await store.body(of: result))
                try await succeeded(job.name, run, output, governance)
            case .error:
                let text = String(decoding: try await store.body(of: last), as: UTF8.self)
                let message = (try? JSONDecoder().decode(ErrorReport.self, from: Data(text.utf8)).message) ?? text
                try await failed(job.name, run, message, governance, stop: decisions.contains { $0.outcome == .stop })
            case .pause:
                try await journal(job.name, governance)
                if let state = live[job.name]?.record.state, state == .running {
                    let reason = decisions.contains { $0.verdicts.contains { $0.policy == "health" && $0.action >= .pause } } ? SuspendReason.health : .budget
                    try await journal(job.name, [(JournalType.stateTransition, transition(.running, .suspended, reason.rawValue))])
                }
            default:
                break
            }
        } catch {
            logger.error("process \(job.name): recording run \(job.runID) failed: \(error)")
        }
        poke()
    }

    private func succeeded(_ name: String, _ run: RunRecord, _ output: ProcessRunOutput, _ governance: [(String, JSONValue)]) async throws {
        guard let record = live[name]?.record else { return }
        let now = clock.now()
        var drafts = governance
        drafts.append(
            (
                JournalType.invocationResult,
                .object([
                    "invocation_id": .string(run.id), "success": .bool(true), "event_id": .string(run.event.eventID), "prompt": .string(promptOf(run)),
                    "response": .string(output.reply), "duration_seconds": .number(now.timeIntervalSince(run.started)),
                ])
            ))
        for (number, answer) in ProcessPrompt.answers(in: output.reply) {
            guard let question = run.questions[number] else { continue }
            drafts.append(
                (
                    JournalType.answer,
                    .object(["question_id": .string(question), "response": .string(answer), "invocation_id": .string(run.id)])
                ))
        }
        let mission = record.config.mission
        var stopForMission = false
        if let verdict = output.verdict, mission.enabled, record.missionState == .active {
            drafts.append((JournalType.missionEvaluation, verdict.json(invocation: record.invocationCount + 1, at: now)))
            if verdict.achieved {
                drafts.append((JournalType.missionState, .object(["state": .string(MissionState.completed.rawValue)])))
                stopForMission = mission.autoComplete && (mission.onComplete ?? "stop") == "stop"
            } else if verdict.confidence < mission.confidenceThreshold {
                drafts.append(
                    (
                        JournalType.missionState,
                        .object([
                            "state": .string(MissionState.paused.rawValue),
                            "reason": .string("low confidence \(verdict.confidence) < \(mission.confidenceThreshold): escalated"),
                        ])
                    ))
            }
        }
        if mission.enabled, record.missionState == .active, output.verdict?.achieved != true {
            let count = record.invocationCount + 1
            if mission.maxInvocations > 0, count >= mission.maxInvocations {
                drafts.append(missionFailure("max_invocations", "the mission reached max_invocations (\(mission.maxInvocations))", record))
            } else if mission.timeoutHours > 0, now.timeIntervalSince(record.created) >= mission.timeoutHours * 3600 {
                drafts.append(missionFailure("timeout", "the mission ran out of time (\(mission.timeoutHours) h)", record))
            }
        }
        try await journal(name, drafts)
        if stopForMission { try await stopProcess(name, reason: "mission_completed") }
        if mission.onComplete == "suspend", output.verdict?.achieved == true, live[name]?.record.state == .running {
            try await journal(name, [(JournalType.stateTransition, transition(.running, .suspended, SuspendReason.manual.rawValue))])
        }
        try await governanceActions(name, governance)
    }

    func missionFailure(_ source: String, _ message: String, _ record: ProcessRecord) -> (String, JSONValue) {
        (
            JournalType.missionFailed,
            .object([
                "state": .string(MissionState.failed.rawValue), "reason": .string(source), "message": .string(message),
                "objective": .string(record.config.mission.objective), "invocation_count": .number(Double(record.invocationCount)),
                "previous_state": .string(record.missionState.rawValue),
            ])
        )
    }

    private func failed(_ name: String, _ run: RunRecord, _ message: String, _ governance: [(String, JSONValue)], stop: Bool) async throws {
        guard let record = live[name]?.record else { return }
        var drafts = governance
        drafts.append(
            (
                JournalType.invocationResult,
                .object([
                    "invocation_id": .string(run.id), "success": .bool(false), "event_id": .string(run.event.eventID), "prompt": .string(promptOf(run)),
                    "error": .string(message), "counts": .bool(!stop),
                ])
            ))
        drafts.append((JournalType.deadLetter, .object(["event": run.event.json, "reason": .string(message), "invocation_id": .string(run.id)])))
        try await journal(name, drafts)
        if stop {
            try await stopProcess(name, reason: "governance")
            return
        }
        guard let updated = live[name]?.record, updated.consecutiveFailures >= record.config.maxConsecutiveFailures,
            updated.state == .running || updated.state == .suspended
        else { return }
        var failure: [(String, JSONValue)] = [
            (JournalType.stateTransition, transition(updated.state, .failed, "consecutive_failures")),
            (JournalType.error, .object(["message": .string("\(updated.consecutiveFailures) runs failed in a row; the last: \(message)")])),
        ]
        for event in updated.queue {
            failure.append((JournalType.deadLetter, .object(["event": event.json, "reason": .string("the process failed")])))
        }
        try await journal(name, failure)
        await detachTriggers(name)
    }

    /// Stops the process when a governance decision said so.
    private func governanceActions(_ name: String, _ entries: [(String, JSONValue)]) async throws {
        if entries.contains(where: { $0.1["action"]?.stringValue == "stop" }), let state = live[name]?.record.state, state == .running {
            try await stopProcess(name, reason: "governance")
        }
    }

    /// `budget_violation` and `health_anomaly` entries for the decisions that acted.
    func governanceEntries(_ decisions: [GovernanceDecision], run: String, paused: Bool) -> [(String, JSONValue)] {
        var entries: [(String, JSONValue)] = []
        for decision in decisions {
            for verdict in decision.verdicts where verdict.action >= .pause {
                var data: [String: JSONValue] = [
                    "rule": .string(verdict.rule), "reason": .string(verdict.reason), "action": .string(verdict.action.rawValue),
                    "invocation_id": .string(run), "timestamp": .string(Timestamps.format(clock.now())),
                ]
                if paused { data["paused_run"] = .string(run) }
                if verdict.policy == "health" {
                    data["type"] = .string(verdict.rule)
                    data["description"] = .string(verdict.reason)
                    entries.append((JournalType.anomaly, .object(data)))
                } else {
                    entries.append((JournalType.budgetViolation, .object(data)))
                }
            }
        }
        return entries
    }

    private func promptOf(_ run: RunRecord) -> String { run.prompt }

    /// The agent of a process for one run: its model, governance and secrets as configured now.
    func agent(for processID: String, session: SessionID) async throws -> (AgentDefinition, (any ModelProvider, String)?, RunObservations) {
        guard let name = byID[processID], let process = live[name] else { throw ProcessError.notFound(processID) }
        let config = process.record.config
        let model = try await configuredModel(config.model)
        var policies: [any GovernancePolicy] = []
        let budget = config.budget
        if budget.enabled {
            let action: PolicyVerdict.Action = budget.onExceeded == "stop" ? .stop : budget.onExceeded == "escalate" ? .escalate : .pause
            policies.append(
                BudgetPolicy(
                    perRun: BudgetLimits(
                        modelTurns: budget.maxLLMTurnsPerRun, toolCalls: budget.maxToolCallsPerRun, irreversibleCalls: budget.maxIrreversiblePerRun,
                        cost: budget.maxCostPerRun),
                    perDay: BudgetLimits(toolCalls: budget.maxToolCallsPerDay, cost: budget.maxCostPerDay), onExceed: action,
                    warnAt: budget.warningThreshold))
        }
        let health = config.health
        if health.enabled {
            let action = PolicyVerdict.Action(rawValue: health.onAnomaly) ?? .log
            policies.append(
                HealthPolicy(
                    stuckAfter: health.stuckThreshold, loopRepeats: health.loopMinRepeats,
                    maxLoopLength: max(2, health.loopWindow / max(health.loopMinRepeats, 1)), emptyReplies: health.emptyThreshold,
                    errorRate: health.errorRateThreshold, errorWindow: health.errorWindow, action: action))
        }
        let governance = Governance(policies: policies, ledger: ledger)
        let agent = AgentDefinition(
            name: processID, instructions: config.instructions, model: model.model, provider: model.provider, governance: governance,
            secrets: process.secrets.vault(now: clock.now()))
        var judge: (any ModelProvider, String)?
        if config.mission.enabled {
            let judgeModel = try await configuredModel(config.mission.evalModel ?? config.model)
            judge = (judgeModel.provider, judgeModel.model)
        }
        let observed = RunObservations()
        observations[session] = observed
        return (agent, judge, observed)
    }

    private func configuredModel(_ id: String) async throws -> ConfiguredModel {
        if let cached = models[id] { return cached }
        let model = try ProcessModel.parse(id)
        let configuration = ProviderConfiguration(
            model: model.name, options: ComponentOptions(location: "process model \(id)", values: [:], environment: environment))
        let made: ConfiguredModel = try await components.make(.modelProvider, model.provider, configuration)
        models[id] = made
        return made
    }
}
