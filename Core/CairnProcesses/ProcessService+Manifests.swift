public import CairnCore

/// What applying a manifest did to its process.
public enum ManifestOutcome: String, Sendable, Hashable {
    /// There was no such process: it was deployed and started.
    case deployed
    /// The process had this configuration already; its state and history are untouched.
    case unchanged
    /// The process got the manifest's configuration (`config_update`), in the state it was in.
    case updated
}

extension ProcessService {
    /// Checks a manifest as a deploy would (its model's provider, each trigger's kind and
    /// options), changing nothing.
    /// - Throws: ``ProcessError`` with the config error's code.
    public func validate(_ manifest: ProcessManifest) async throws {
        let config: ProcessConfig
        do { config = try ProcessConfig.parse(manifest.config, at: "") } catch { throw ProcessError(error) }
        try await check(config)
    }

    /// Makes the process of `manifest` what the manifest says (what `cairn serve --agents DIR`
    /// does for each file when it starts):
    /// - no such process: deployed and started;
    /// - the same configuration: left in the state its log says (a stopped process stays
    ///   stopped), given back the secret values a restart cannot keep;
    /// - another configuration: journaled as `config_update` and effective from the next run;
    ///   a running process whose triggers changed gets the new ones at once.
    /// - Throws: ``ProcessError`` for a configuration this build cannot run, store errors.
    public func apply(_ manifest: ProcessManifest) async throws -> ManifestOutcome {
        guard let process = live[manifest.name] else {
            _ = try await deploy(name: manifest.name, config: manifest.config, start: true)
            return .deployed
        }
        let config: ProcessConfig
        do { config = try ProcessConfig.parse(manifest.config, at: "") } catch { throw ProcessError(error) }
        try await check(config)
        process.secrets.restore(config.secrets)
        let redaction = ProcessSecrets(config.secrets, now: clock.now(), replacing: process.secrets)
        if redaction.redact(.object(config.json)) == redaction.redact(.object(process.record.config.json)) { return .unchanged }
        try await reconfigure(manifest.name, config)
        return .updated
    }

    /// Replaces a process's whole configuration, keeping its state, counters and history.
    func reconfigure(_ name: String, _ config: ProcessConfig) async throws {
        let record = try record(name)
        let attached = record.state == .running || record.state == .suspended
        let triggersChanged = config.triggers != record.config.triggers
        let secrets = ProcessSecrets(config.secrets, now: clock.now(), replacing: live[name]?.secrets)
        live[name]?.secrets = secrets
        if attached && triggersChanged { await detachTriggers(name) }
        try await journal(name, [(JournalType.configUpdate, .object(["section": .string("manifest"), "config": .object(config.json)]))])
        if attached && triggersChanged, let refused = await attachTriggers(name) {
            throw ProcessError("START_FAILED", status: 500, "process '\(name)' has its new configuration but \(refused)")
        }
        poke()
    }
}
