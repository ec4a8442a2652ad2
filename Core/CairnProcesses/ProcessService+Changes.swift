public import CairnCore
import CairnTriggers
public import Foundation

extension ProcessService {
    /// Replaces the instructions (from the next run).
    public func setInstructions(_ name: String, _ instructions: String) async throws {
        try await update(name, key: "instructions", value: .string(instructions), section: "instructions")
    }

    /// Patches the `budget`, `health` or `mission` section: every field is checked first and
    /// nothing is applied when one is wrong.
    /// - Returns: whether `enabled` changed (promptise calls that a redeploy: not live).
    /// - Throws: ``ProcessError`` `UNKNOWN_FIELD`, `INVALID_CONFIG` or `MISSING_FIELD`.
    public func patch(_ name: String, section: String, fields: [String: JSONValue]) async throws -> Bool {
        let record = try record(name)
        guard let schema = ProcessConfig.patchSchema(section) else { throw ProcessError("NOT_FOUND", status: 404, "no section \(section)") }
        guard !fields.isEmpty else { throw ProcessError("MISSING_FIELD", status: 422, "send the \(section) fields to change as a JSON object") }
        let unknown = fields.keys.filter { schema.fields[$0] == nil }.sorted()
        if !unknown.isEmpty {
            let hints = unknown.map { "'\($0)'\(ConfigSchema.hint($0, schema.fields.keys))" }.joined(separator: " ")
            throw ProcessError("UNKNOWN_FIELD", status: 422, "unknown \(section) field(s): \(hints)")
        }
        var merged = record.config.section(section)
        for (key, value) in fields { merged[key] = value }
        do { try schema.check(merged, at: section) } catch { throw ProcessError("INVALID_CONFIG", status: 422, error.message) }
        try await update(name, key: section, value: .object(merged), section: section)
        return fields["enabled"].map { $0 != (record.config.section(section)["enabled"] ?? .bool(false)) } ?? false
    }

    private func update(_ name: String, key: String, value: JSONValue, section: String) async throws {
        let record = try record(name)
        let updated: ProcessConfig
        do { updated = try record.config.replacing(key, with: value) } catch { throw ProcessError(error) }
        try await journal(name, [(JournalType.configUpdate, .object(["section": .string(section), "config": .object(updated.json)]))])
    }

    /// The context state and which keys operators may write.
    public func context(_ name: String) throws -> (state: [String: JSONValue], writable: [String]) {
        let record = try record(name)
        return (record.context, record.config.context.writableKeys)
    }

    /// Writes context keys, all or none.
    /// - Throws: ``ProcessError`` `WRITE_DENIED` naming the keys that are not writable.
    public func writeContext(_ name: String, _ state: [String: JSONValue]) async throws -> [String] {
        let record = try record(name)
        let writable = record.config.context.writableKeys
        let denied = state.keys.filter { !writable.isEmpty && !writable.contains($0) }.sorted()
        if !denied.isEmpty {
            throw ProcessError(
                "WRITE_DENIED", status: 403,
                "key(s) \(denied.joined(separator: ", ")) are not writable; the writable keys are \(writable.joined(separator: ", "))")
        }
        let now = Timestamps.format(clock.now())
        try await journal(
            name,
            state.keys.sorted().map { key in
                (JournalType.contextUpdate, .object(["key": .string(key), "value": state[key] ?? .null, "timestamp": .string(now), "source": .string("api")]))
            })
        return state.keys.sorted()
    }

    /// The secrets listing (no values) and whether secrets are enabled.
    public func secrets(_ name: String) throws -> (enabled: Bool, listing: [JSONValue]) {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        return (process.record.config.secrets.enabled, process.secrets.listing(now: clock.now()))
    }

    /// Rotates a secret (the old value stays redacted); only the rotation is journaled.
    /// - Throws: ``ProcessError`` `SECRETS_DISABLED` or `SECRET_NOT_FOUND`.
    public func rotateSecret(_ name: String, secret: String, value: String, ttl: Double?) async throws {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        guard process.record.config.secrets.enabled else {
            throw ProcessError("SECRETS_DISABLED", status: 400, "process '\(name)' has no secrets; deploy it with config.secrets.enabled: true")
        }
        guard process.secrets.rotate(secret, to: value, ttl: ttl, now: clock.now()) else {
            throw ProcessError("SECRET_NOT_FOUND", status: 404, "process '\(name)' has no secret named '\(secret)'")
        }
        try await journal(name, [(JournalType.secretRotated, .object(["secret": .string(secret)]))])
    }

    /// Revokes every secret value.
    public func revokeSecrets(_ name: String) async throws {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        process.secrets.revokeAll()
        try await journal(name, [(JournalType.secretsRevoked, .object([:]))])
    }

    /// The triggers with their ids, origin and masked configuration.
    public func triggerListing(_ name: String) throws -> [JSONValue] {
        try record(name).triggers.map { trigger in
            .object(["id": .string(trigger.id), "type": .string(trigger.spec.type), "source": .string(trigger.source), "config": trigger.spec.masked])
        }
    }

    /// Adds a trigger at runtime; live at once when the process is running or suspended.
    /// - Returns: its id and whether it is live.
    /// - Throws: ``ProcessError`` `TRIGGER_EXISTS`, `INVALID_CONFIG`, `MISSING_FIELD`.
    public func addTrigger(_ name: String, _ json: JSONValue) async throws -> (id: String, type: String, live: Bool) {
        let record = try record(name)
        let spec: TriggerSpec
        do { spec = try TriggerSpec.parse(json) } catch { throw ProcessError(error) }
        try await check(spec, at: "trigger")
        let id = ProcessConfig.triggerIDs(record.triggers.map(\.spec) + [spec]).last ?? spec.baseID
        if record.triggers.contains(where: { $0.id == id || $0.spec == spec }) {
            throw ProcessError("TRIGGER_EXISTS", status: 409, "process '\(name)' has this trigger already (\(id))")
        }
        try await journal(name, [(JournalType.triggerAdded, .object(["trigger_id": .string(id), "config": .object(spec.json)]))])
        guard record.state == .running || record.state == .suspended else { return (id, spec.type, false) }
        if let refused = await attachTriggers(name) {
            try await journal(name, [(JournalType.triggerRemoved, .object(["trigger_id": .string(id), "reason": .string("refused")]))])
            throw ProcessError("INVALID_CONFIG", status: 422, "the trigger was refused: \(refused)")
        }
        return (id, spec.type, true)
    }

    /// Removes a trigger (configured or added); detached at once.
    /// - Returns: whether it was live.
    /// - Throws: ``ProcessError`` `TRIGGER_NOT_FOUND`.
    public func removeTrigger(_ name: String, id: String) async throws -> Bool {
        let record = try record(name)
        guard record.triggers.contains(where: { $0.id == id }) else {
            throw ProcessError("TRIGGER_NOT_FOUND", status: 404, "process '\(name)' has no trigger '\(id)'; list them with GET …/triggers")
        }
        let serviceName = live[name]?.attached.removeValue(forKey: id)
        if let serviceName { await triggers?.detach(serviceName) }
        try await journal(name, [(JournalType.triggerRemoved, .object(["trigger_id": .string(id)]))])
        return serviceName != nil
    }

    /// Changes the mission's state by an operator: `fail`, `pause` or `resume`.
    /// - Throws: ``ProcessError`` `MISSION_STATE` from a state that does not allow it,
    ///   `MISSION_DISABLED` without a mission.
    public func mission(_ name: String, _ action: String, reason: String? = nil) async throws -> MissionState {
        let record = try record(name)
        guard record.config.mission.enabled else {
            throw ProcessError("MISSION_DISABLED", status: 400, "process '\(name)' has no mission; patch mission.enabled: true first")
        }
        let state = record.missionState
        switch action {
        case "fail" where state == .active || state == .paused:
            try await journal(name, [missionFailure("manual", reason ?? "failed by an operator", record)])
        case "pause" where state == .active:
            try await journal(name, [(JournalType.missionState, .object(["state": .string(MissionState.paused.rawValue), "reason": .string("operator")]))])
        case "resume" where state == .paused:
            try await journal(name, [(JournalType.missionState, .object(["state": .string(MissionState.active.rawValue), "reason": .string("operator")]))])
        default:
            throw ProcessError("MISSION_STATE", status: 409, "the mission is \(state.rawValue); it cannot \(action)")
        }
        return try self.record(name).missionState
    }

    /// Clears the health anomalies.
    /// - Returns: how many were cleared.
    public func clearAnomalies(_ name: String) async throws -> Int {
        let count = try record(name).anomalies.count
        try await journal(name, [(JournalType.anomaliesCleared, .object(["count": .number(Double(count))]))])
        return count
    }

    /// The newest `limit` journal entries of a type (all types when nil), oldest first.
    public func journalEntries(_ name: String, limit: Int, type: String?) async throws -> [JournalEntry] {
        guard let process = live[name] else { throw ProcessError.notFound(name) }
        let entries = try await process.log.read(from: 0).compactMap(\.1).filter { type == nil || $0.type == type }
        return Array(entries.suffix(limit))
    }

    /// A process's record (a snapshot).
    public func snapshot(_ name: String) throws -> ProcessRecord { try record(name) }
}
