import CairnAnthropic
import CairnCore
import CairnFileIO
import CairnOpenAI
import CairnTools
import Foundation

/// Turns a parsed agent file into an ``AgentDefinition``: provider, secrets, tools, skills,
/// sub-agents and governance, checking each value.
struct AgentBuilder {
    let file: String
    let base: URL
    let options: AgentFileOptions
    let depth: Int

    func invalid(_ message: String) -> CairnError { .invalidArgument("\(file): \(message)") }

    /// A duration of `seconds`, which must be finite, positive and at most a day.
    func duration(_ seconds: Double?, _ field: String, default fallback: Double) throws -> Duration {
        let value = seconds ?? fallback
        guard value.isFinite, value > 0, value <= 86_400 else { throw invalid("\(field) must be a number of seconds in (0, 86400], not \(value)") }
        return .milliseconds(Int(value * 1000))
    }

    /// `value` if it lies in `range`.
    func bounded<T: Comparable>(_ value: T?, _ field: String, _ range: ClosedRange<T>) throws -> T? {
        guard let value else { return nil }
        guard range.contains(value) else { throw invalid("\(field) must be in \(range.lowerBound)...\(range.upperBound), not \(value)") }
        return value
    }

    func path(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).standardizedFileURL.path
    }

    func build(_ spec: AgentFileSpec) throws -> AgentDefinition {
        guard !spec.name.isEmpty, spec.name.allSatisfy({ $0.isLetter || $0.isNumber || "_-".contains($0) }) else {
            throw invalid("name '\(spec.name)' must be letters, digits, '_' or '-' (it is also a tool name for parent agents)")
        }
        let maxTurns = try bounded(spec.maxTurns, "max_turns", 1...10_000) ?? 20
        let (provider, model, apiKey) = try makeProvider(spec.model)
        let secrets = try makeVault(spec.secrets ?? [:], apiKey: apiKey)
        let tools = try (spec.tools ?? []).map { try makeTool($0, allowedHosts: spec.allowedHosts, secrets: secrets) }
        let skills = try (spec.skills ?? []).map(makeSkill)
        let subAgents = try (spec.agents ?? []).map { entry -> AgentDefinition in
            var suboptions = options
            suboptions.observer = { _, _ in }
            if let file = entry.file { return try AgentFile.load(path(file), options: suboptions, depth: depth + 1) }
            guard let inline = entry.inline else { throw invalid("a sub-agent is either {file: PATH} or an inline agent definition") }
            return try AgentBuilder(file: file, base: base, options: suboptions, depth: depth + 1).build(inline)
        }
        var names = Set<String>()
        for name in tools.map(\.spec.name) + subAgents.map(\.name) + (skills.isEmpty ? [] : ["load_skill"]) {
            guard names.insert(name).inserted else { throw invalid("two tools or sub-agents are named '\(name)'") }
        }
        let pricing = spec.model.prices.map { ModelPricing(inputPerMillion: $0.inputPerMillion, outputPerMillion: $0.outputPerMillion) }
        return AgentDefinition(
            name: spec.name, instructions: spec.instructions ?? "", model: model, provider: provider, tools: tools, skills: skills,
            subAgents: subAgents, maxTurns: maxTurns, maxTokens: spec.model.maxTokens, temperature: spec.model.temperature, pricing: pricing,
            governance: try makeGovernance(spec), secrets: secrets, observer: options.observer)
    }

    func makeProvider(_ model: AgentFileSpec.ModelSpec) throws -> (any ModelProvider, String, String?) {
        let timeout = try duration(model.timeoutSeconds, "model.timeout_seconds", default: 300)
        let attempts = try bounded(model.maxAttempts, "model.max_attempts", 1...20) ?? 4
        _ = try bounded(model.maxTokens, "model.max_tokens", 1...10_000_000)
        _ = try bounded(model.temperature, "model.temperature", 0...2)
        func key(_ defaultVariable: String) throws -> String? {
            if let variable = model.apiKeyEnv {
                guard let value = options.environment[variable], !value.isEmpty else {
                    throw invalid("model.api_key_env names \(variable), which is not set in the environment")
                }
                return value
            }
            return options.environment[defaultVariable].flatMap { $0.isEmpty ? nil : $0 }
        }
        switch model.provider {
        case "openai":
            guard let name = model.name else { throw invalid("model.name is required for the openai provider") }
            let apiKey = try key("OPENAI_API_KEY")
            let configuration = OpenAIProvider.Configuration(baseURL: model.baseURL ?? "https://api.openai.com/v1", apiKey: apiKey, timeout: timeout,
                                                              maxAttempts: attempts, streaming: model.streaming ?? true)
            return (OpenAIProvider(configuration: configuration), name, apiKey)
        case "anthropic":
            guard let name = model.name else { throw invalid("model.name is required for the anthropic provider") }
            let apiKey = try key("ANTHROPIC_API_KEY")
            let configuration = AnthropicProvider.Configuration(baseURL: model.baseURL ?? "https://api.anthropic.com/v1", apiKey: apiKey,
                                                                 timeout: timeout, maxAttempts: attempts, streaming: model.streaming ?? true)
            return (AnthropicProvider(configuration: configuration), name, apiKey)
        case "scripted":
            guard let script = model.script else { throw invalid("model.script (a JSON file of turns) is required for the scripted provider") }
            return (try ScriptedProvider(file: path(script)), model.name ?? "scripted", nil)
        default:
            throw invalid("model.provider '\(model.provider)' is not one of openai, anthropic, scripted")
        }
    }

    func makeVault(_ secrets: [String: AgentFileSpec.SecretSpec], apiKey: String?) throws -> SecretVault? {
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
        if let apiKey { definitions.append(.init(name: "model_api_key", source: .value(apiKey))) }
        guard !definitions.isEmpty else { return nil }
        do { return try SecretVault(definitions, environment: options.environment) } catch { throw invalid("\(error)") }
    }

    func makeTool(_ entry: AgentFileSpec.ToolEntry, allowedHosts: [String]?, secrets: SecretVault?) throws -> any Tool {
        let options = entry.options
        func folder() throws -> AllowedFolder {
            guard let folder = options.folder else { throw invalid("tools: \(entry.name) needs a folder, e.g. - \(entry.name): {folder: docs}") }
            do { return try AllowedFolder(path(folder)) } catch { throw invalid("tools: \(entry.name): \(error)") }
        }
        let maxBytes = try bounded(options.maxBytes, "tools: \(entry.name).max_bytes", 1...(64 << 20)) ?? 256 * 1024
        switch entry.name {
        case "read_file": return ReadFileTool(folder: try folder(), maxBytes: maxBytes)
        case "list_files": return ListFilesTool(folder: try folder())
        case "http_get":
            var allowlist = self.options.allowedHosts
            if let allowedHosts {
                do { allowlist = try allowlist.narrowed(to: allowedHosts) } catch { throw invalid("allowed_hosts: \(error)") }
            }
            let headers = options.headers ?? [:]
            for template in headers.values {
                var rest = Substring(template)
                while let start = rest.range(of: "${secret:"), let end = rest[start.upperBound...].firstIndex(of: "}") {
                    let name = String(rest[start.upperBound..<end])
                    guard secrets?.names.contains(name) == true else { throw invalid("tools: http_get's headers use ${secret:\(name)}, which is not in secrets") }
                    rest = rest[rest.index(after: end)...]
                }
            }
            return HTTPGetTool(allowlist: allowlist, headers: headers, secrets: secrets, maxBytes: maxBytes,
                               timeout: try duration(options.timeoutSeconds, "tools: http_get.timeout_seconds", default: 30))
        default:
            throw invalid("tools: unknown tool '\(entry.name)'; the built-in tools are \(AgentFile.builtInTools.joined(separator: ", "))")
        }
    }

    func makeSkill(_ skill: AgentFileSpec.SkillSpec) throws -> Skill {
        switch (skill.file, skill.content) {
        case (let file?, nil):
            let location = path(file)
            guard FileManager.default.isReadableFile(atPath: location) else { throw invalid("skills: \(skill.name)'s file \(location) cannot be read") }
            return Skill(name: skill.name, description: skill.description) {
                guard let data = FileManager.default.contents(atPath: location) else { throw CairnError.invalidArgument("cannot read the skill file \(location)") }
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
            policies.append(HealthPolicy(
                stuckAfter: try bounded(health.stuckAfter, "health.stuck_after", 1...1000), loopRepeats: try bounded(health.loopRepeats, "health.loop_repeats", 2...1000),
                maxLoopLength: try bounded(health.maxLoopLength, "health.max_loop_length", 2...100) ?? 4,
                emptyReplies: try bounded(health.emptyReplies, "health.empty_replies", 1...1000), errorRate: try bounded(health.errorRate, "health.error_rate", 0...1),
                errorWindow: try bounded(health.errorWindow, "health.error_window", 1...10_000) ?? 10, action: action,
                cooldown: try bounded(health.cooldown, "health.cooldown", 0...100_000) ?? 10))
        }
        governance.policies = policies
        return governance
    }
}
