import Foundation

/// Limits on usage; nil means no limit.
public struct BudgetLimits: Sendable, Hashable, Codable {
    /// Model turns.
    public var modelTurns: Int?
    /// Tool calls, each counted with its tool's weight.
    public var toolCalls: Double?
    /// Calls of irreversible tools.
    public var irreversibleCalls: Int?
    /// Cost, in the prices' currency.
    public var cost: Double?

    /// Creates limits.
    public init(modelTurns: Int? = nil, toolCalls: Double? = nil, irreversibleCalls: Int? = nil, cost: Double? = nil) {
        self.modelTurns = modelTurns
        self.toolCalls = toolCalls
        self.irreversibleCalls = irreversibleCalls
        self.cost = cost
    }

    /// Whether any limit is set.
    public var isEmpty: Bool { modelTurns == nil && toolCalls == nil && irreversibleCalls == nil && cost == nil }
}

/// Budget: limits per run and per day on model turns, tool calls (each counted with its tool's
/// weight, ``Governance/toolWeights``),
/// irreversible tool calls and cost. An action that would go over a limit gets the configured
/// action (pause, stop or escalate); an action that reaches 80% of a limit gets a warning, once.
///
/// When a person resumes a run the budget paused, each of its limits grows by its original
/// size (the person approved one more budget's worth).
public struct BudgetPolicy: GovernancePolicy {
    public let name = "budget"
    /// Limits for one run (one message's worth of work in a conversation).
    public var perRun: BudgetLimits
    /// Limits for the agent per calendar day (UTC), across runs, from the usage ledger.
    public var perDay: BudgetLimits
    /// What to do when a limit would be exceeded: `.pause`, `.stop` or `.escalate`.
    public var onExceed: PolicyVerdict.Action
    /// The fraction of a limit at which to warn.
    public var warnAt: Double

    /// Creates a budget.
    public init(perRun: BudgetLimits = BudgetLimits(), perDay: BudgetLimits = BudgetLimits(), onExceed: PolicyVerdict.Action = .pause, warnAt: Double = 0.8) {
        self.perRun = perRun
        self.perDay = perDay
        self.onExceed = onExceed
        self.warnAt = warnAt
    }

    public var needsDailyUsage: Bool { !perDay.isEmpty }

    public func evaluate(_ action: GovernedAction, state: GovernanceState) -> [PolicyVerdict] {
        var delta = UsageCounters()
        switch action {
        case .modelCall: delta.modelTurns = 1
        case .toolCall(_, _, let irreversible, let weight):
            delta.toolCalls = weight
            if irreversible { delta.irreversibleCalls = 1 }
        }
        let scale = Double(1 + (state.approvals[name] ?? 0))
        var verdicts: [PolicyVerdict] = []
        for (scope, limits, used) in [("run", perRun, state.run), ("day", perDay, state.today ?? state.run)] {
            let checks: [(String, String, Double?, Double, Double)] = [
                ("turns", "model turns", limits.modelTurns.map(Double.init), Double(used.modelTurns), Double(delta.modelTurns)),
                ("tool_calls", "tool calls", limits.toolCalls, used.toolCalls, delta.toolCalls),
                (
                    "irreversible", "irreversible tool calls", limits.irreversibleCalls.map(Double.init), Double(used.irreversibleCalls),
                    Double(delta.irreversibleCalls)
                ),
            ]
            for (key, label, limit, before, increment) in checks {
                guard let limit, increment > 0 else { continue }
                let bound = limit * scale, after = before + increment
                let rule = "budget.\(scope).\(key)"
                if after > bound {
                    verdicts.append(
                        PolicyVerdict(
                            policy: name, action: onExceed,
                            reason: "\(action.summary) would make \(Self.figure(after)) \(label) this \(scope), over the limit of \(Self.figure(bound))",
                            rule: rule))
                } else if after >= warnAt * bound, !state.warned.contains(rule) {
                    verdicts.append(
                        PolicyVerdict(
                            policy: name, action: .warn,
                            reason: "\(Self.figure(after)) of \(Self.figure(bound)) \(label) this \(scope) used", rule: rule))
                }
            }
            // Cost is known only after a call, so it is checked against what was already spent.
            if let limit = limits.cost, case .modelCall = action {
                let bound = limit * scale, rule = "budget.\(scope).cost"
                if used.cost >= bound {
                    verdicts.append(
                        PolicyVerdict(
                            policy: name, action: onExceed,
                            reason: "cost this \(scope) is \(Self.money(used.cost)), at or over the limit of \(Self.money(bound))", rule: rule))
                } else if used.cost >= warnAt * bound, !state.warned.contains(rule) {
                    verdicts.append(
                        PolicyVerdict(
                            policy: name, action: .warn,
                            reason: "cost this \(scope) is \(Self.money(used.cost)) of \(Self.money(bound))", rule: rule))
                }
            }
        }
        return verdicts
    }

    static func figure(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func money(_ value: Double) -> String { String(format: "%.4f", value) }
}
