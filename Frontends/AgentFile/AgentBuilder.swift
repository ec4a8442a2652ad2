import CairnCore
import CairnFileIO
import Foundation

/// Turns a parsed agent file into an ``AgentDefinition``: provider, secrets, tools, skills,
/// sub-agents and governance, checking each value. Providers and tools are resolved by name
/// through the options' ``Components``.
struct AgentBuilder {
    let file: String
    let base: URL
    let options: AgentFileOptions
    let depth: Int

    func invalid(_ message: String) -> CairnError { .invalidArgument("\(file): \(message)") }

    /// `value` if it lies in `range`.
    func bounded<T: Comparable>(_ value: T?, _ field: String, _ range: ClosedRange<T>) throws -> T? {
        guard let value else { return nil }
        guard range.contains(value) else { throw invalid("\(field) must be in \(range.lowerBound)...\(range.upperBound), not \(value)") }
        return value
    }

    func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).standardizedFileURL.path
    }

    func build(_ spec: AgentFileSpec) async throws -> AgentDefinition {
        guard !spec.name.isEmpty, spec.name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }) else {
            throw invalid("name '\(spec.name)' must be letters, digits, '_' or '-' (it is also a tool name for parent agents)")
        }
        let maxTurns = try bounded(spec.maxTurns, "max_turns", 1...10_000) ?? 20
        let configured = try await makeModel(spec.model)
        let secrets = try makeVault(spec.secrets ?? [:], providerSecrets: configured.secrets)
        let allowlist = try allowedHosts(spec.allowedHosts)
        var tools: [any Tool] = []
        for (index, entry) in (spec.tools ?? []).enumerated() {
            tools += try await makeTools(entry, index: index, allowlist: allowlist, secrets: secrets)
        }
        let skills = try (spec.skills ?? []).map(makeSkill)
        var subAgents: [AgentDefinition] = []
        for entry in spec.agents ?? [] {
            var suboptions = options
            suboptions.observer = { _, _ in }
            if let file = entry.file {
                subAgents.append(try await AgentFile.load(path(file), options: suboptions, depth: depth + 1))
                continue
            }
            guard let inline = entry.inline else { throw invalid("a sub-agent is either {file: PATH} or an inline agent definition") }
            subAgents.append(try await AgentBuilder(file: file, base: base, options: suboptions, depth: depth + 1).build(inline))
        }
        var names = Set<String>()
        for name in tools.map(\.spec.name) + subAgents.map(\.name) + (skills.isEmpty ? [] : ["load_skill"]) {
            guard names.insert(name).inserted else { throw invalid("two tools or sub-agents are named '\(name)'") }
        }
        let pricing = spec.model.prices.map { ModelPricing(inputPerMillion: $0.inputPerMillion, outputPerMillion: $0.outputPerMillion) }
        return AgentDefinition(
            name: spec.name, instructions: spec.instructions ?? "", model: configured.model, provider: configured.provider, tools: tools, skills: skills,
            subAgents: subAgents, maxTurns: maxTurns, maxTokens: spec.model.maxTokens, temperature: spec.model.temperature, pricing: pricing,
            governance: try makeGovernance(spec), secrets: secrets, observer: options.observer)
    }

    /// Options of a node of this file, for a factory.
    func options(_ location: String, _ values: [String: JSONValue]) -> ComponentOptions {
        ComponentOptions(location: "\(file): \(location)", values: values, baseDirectory: base.path, environment: options.environment)
    }

    /// The model, through the provider the file names.
    func makeModel(_ model: AgentFileSpec.ModelSpec) async throws -> ConfiguredModel {
        _ = try bounded(model.maxTokens, "model.max_tokens", 1...10_000_000)
        _ = try bounded(model.temperature, "model.temperature", 0...2)
        let configuration = ProviderConfiguration(model: model.name, options: options("model", model.options))
        do {
            return try await options.components.make(.modelProvider, model.provider, configuration)
        } catch let error as ComponentError {
            if case .unknown = error { throw invalid("model.provider: \(error)") }
            throw CairnError.invalidArgument("\(error)")
        }
    }

    /// The operator's allowed hosts, narrowed by the file's `allowed_hosts`.
    func allowedHosts(_ fileHosts: [String]?) throws -> HostAllowlist {
        guard let fileHosts else { return options.allowedHosts }
        do { return try options.allowedHosts.narrowed(to: fileHosts) } catch { throw invalid("allowed_hosts: \(error)") }
    }

    /// The tools of one `tools:` entry, through the factory it names.
    func makeTools(_ entry: AgentFileSpec.ToolEntry, index: Int, allowlist: HostAllowlist, secrets: SecretVault?) async throws -> [any Tool] {
        let configuration = ToolConfiguration(options: options("tools[\(index)].\(entry.name)", entry.options), allowedHosts: allowlist, secrets: secrets)
        do {
            return try await options.components.make(.tool, entry.name, configuration)
        } catch let error as ComponentError {
            if case .unknown = error { throw invalid("tools: \(error)") }
            throw CairnError.invalidArgument("\(error)")
        }
    }

    func makeVault(_ secrets: [String: AgentFileSpec.SecretSpec], providerSecrets: [String]) throws -> SecretVault? {
        var definitions: [SecretVault.Definition] = []
        for (name, secret) in secrets.sorted(by: { $0.key < $1.key }) {
            let ttl = try secret.ttl.map { text -> Duration in
                let seconds: Double
                do { seconds = try GoDuration.parse(text) } catch { throw invalid("secrets.\(name).ttl: \(error)") }
                guard seconds.isFinite, seconds <= 365 * 86_400 else { throw invalid("secrets.\(name).ttl must be at most a year") }
                return .milliseconds(Int(seconds * 1000))
            }
            switch (secret.env, secret.value) {
            case (let variable?, nil): definitions.append(.init(name: name, source: .environment(variable), ttl: ttl))
            case (nil, let value?): definitions.append(.init(name: name, source: .value(value), ttl: ttl))
            default: throw invalid("secrets.\(name) needs exactly one of env or value")
            }
        }
        // The model's API key is a secret too: a provider error that echoes it is redacted.
        for (index, value) in providerSecrets.enumerated() where !value.isEmpty {
            definitions.append(.init(name: index == 0 ? "model_api_key" : "model_secret_\(index)", source: .value(value)))
        }
        guard !definitions.isEmpty else { return nil }
        do { return try SecretVault(definitions, environment: options.environment) } catch { throw invalid("\(error)") }
    }

    func makeSkill(_ skill: AgentFileSpec.SkillSpec) throws -> Skill {
        switch (skill.file, skill.content) {
        case (let file?, nil):
            let location = path(file)
            guard FileManager.default.isReadableFile(atPath: location) else { throw invalid("skills: \(skill.name)'s file \(location) cannot be read") }
            return Skill(name: skill.name, description: skill.description) {
                guard let data = FileManager.default.contents(atPath: location) else {
                    throw CairnError.invalidArgument("cannot read the skill file \(location)")
                }
                return String(decoding: data, as: UTF8.self)
            }
        case (nil, let content?):
            return Skill(name: skill.name, description: skill.description) { content }
        default:
            throw invalid("skills: \(skill.name) needs exactly one of file or content")
        }
    }

    func makeGovernance(_ spec: AgentFileSpec) throws -> Governance {
        var policies: [any GovernancePolicy] = []
        var governance = Governance(notifier: options.notifier)
        if let budget = spec.budget {
            func limits(_ spec: AgentFileSpec.LimitsSpec?) -> BudgetLimits {
                BudgetLimits(modelTurns: spec?.turns, toolCalls: spec?.toolCalls, irreversibleCalls: spec?.irreversible, cost: spec?.cost)
            }
            let onExceed = try PolicyVerdict.Action.parse(budget.onExceed ?? "pause", field: "\(file): budget.on_exceed")
            guard [.pause, .stop, .escalate].contains(onExceed) else { throw invalid("budget.on_exceed must be pause, stop or escalate") }
            let warnAt = budget.warnAt ?? 0.8
            guard warnAt > 0 && warnAt <= 1 else { throw invalid("budget.warn_at must be in (0, 1]") }
            let policy = BudgetPolicy(perRun: limits(budget.perRun), perDay: limits(budget.perDay), onExceed: onExceed, warnAt: warnAt)
            policies.append(policy)
            governance.irreversibleTools = Set(budget.irreversible ?? [])
            governance.toolWeights = budget.toolWeights ?? [:]
            if policy.needsDailyUsage, let folder = options.ledgerFolder { governance.ledger = try FileUsageLedger(folder: folder) }
        }
        if let health = spec.health {
            let action = try PolicyVerdict.Action.parse(health.action ?? "pause", field: "\(file): health.action")
            policies.append(
                HealthPolicy(
                    stuckAfter: try bounded(health.stuckAfter, "health.stuck_after", 1...1000),
                    loopRepeats: try bounded(health.loopRepeats, "health.loop_repeats", 2...1000),
                    maxLoopLength: try bounded(health.maxLoopLength, "health.max_loop_length", 2...100) ?? 4,
                    emptyReplies: try bounded(health.emptyReplies, "health.empty_replies", 1...1000),
                    errorRate: try bounded(health.errorRate, "health.error_rate", 0...1),
                    errorWindow: try bounded(health.errorWindow, "health.error_window", 1...10_000) ?? 10, action: action,
                    cooldown: try bounded(health.cooldown, "health.cooldown", 0...100_000) ?? 10))
        }
        governance.policies = policies
        return governance
    }
}
