public import CairnCore
import Foundation

extension ProcessService {
    /// A process's status in promptise's `status()` shape: state, counters, queue and
    /// dead-letter sizes, uptime, triggers, and per enabled section budget, health, mission and
    /// secrets.
    /// - Throws: ``ProcessError/notFound(_:)``.
    public func status(_ name: String) async throws -> JSONValue {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        let record = process.record
        let now = clock.now()
        let up = [ProcessState.running, .suspended, .starting, .stopping].contains(record.state)
        let triggers = record.triggers
        var status: [String: JSONValue] = [
            "name": .string(name), "process_id": .string(record.processID), "state": .string(record.state.rawValue),
            "execution_mode": .string("strict"), "invocation_count": .number(Double(record.invocationCount)),
            "consecutive_failures": .number(Double(record.consecutiveFailures)), "restart_count": .number(Double(record.restartCount)),
            "journal_enabled": .bool(true), "trigger_count": .number(Double(triggers.filter { $0.source == "config" }.count)),
            "dynamic_trigger_count": .number(Double(record.dynamicTriggers.count)), "custom_tool_count": .number(0), "rebuild_count": .number(0),
            "spawned_process_count": .number(0), "conversation_messages": .number(Double(record.conversation.count)), "has_memory": .bool(false),
            "suspend_reason": record.suspendReason.map { .string($0.rawValue) } ?? .null,
            "queue_size": .number(Double(record.queue.count)), "dead_letter_count": .number(Double(record.deadLetters.count)),
            "filtered_count": .number(0), "pending_retries": .number(0), "in_flight": .number(Double(record.inFlight.count)),
            "uptime_seconds": up ? record.lastStart.map { .number(now.timeIntervalSince($0)) } ?? .null : .null,
            "hook_count": .number(0),
            "triggers": .array(
                triggers.map { .object(["id": .string($0.id), "type": .string($0.spec.type), "source": .string($0.source)]) }),
        ]
        let config = record.config
        if config.budget.enabled {
            let today = (try? await ledger.usage(agent: record.processID, on: now)) ?? UsageCounters()
            status["budget"] = ProcessPrompt.budgetRemaining(config.budget, runsToday: record.runsToday(now), today: today)
        }
        if config.health.enabled {
            status["health_anomalies"] = .number(Double(record.anomalies.count))
            status["health"] = .object([
                "status": .string(record.anomalies.isEmpty ? "healthy" : "degraded"), "anomalies": .number(Double(record.anomalies.count)),
            ])
        }
        if config.mission.enabled { status["mission_state"] = .string(record.missionState.rawValue) }
        if config.secrets.enabled { status["active_secrets"] = .number(Double(process.secrets.current(now: now).count)) }
        return .object(status)
    }
}
