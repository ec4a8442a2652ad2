import Foundation

/// What an agent is about to do, as the governance policies see it.
public enum GovernedAction: Sendable, Hashable, Codable {
    /// A call to the model (the run's `turn`-th, counting from 1).
    case modelCall(turn: Int)
    /// A call to a tool (or a sub-agent) with the model's arguments, whether the tool is
    /// irreversible, and how much one call counts against tool-call limits.
    case toolCall(name: String, arguments: String, irreversible: Bool, weight: Double)

    /// A short description for step names and messages: `model turn 3`, `tool http_get`.
    public var summary: String {
        switch self {
        case .modelCall(let turn): "model turn \(turn)"
        case .toolCall(let name, _, _, _): "tool \(name)"
        }
    }
}

/// Counts a budget limits: model turns, tool calls (weighted), irreversible tool calls, cost.
public struct UsageCounters: Sendable, Hashable, Codable {
    /// Model turns.
    public var modelTurns: Int
    /// Tool calls, each counted with its tool's weight.
    public var toolCalls: Double
    /// Calls of tools marked irreversible.
    public var irreversibleCalls: Int
    /// Cost in the prices' currency.
    public var cost: Double

    /// Creates counters.
    public init(modelTurns: Int = 0, toolCalls: Double = 0, irreversibleCalls: Int = 0, cost: Double = 0) {
        self.modelTurns = modelTurns
        self.toolCalls = toolCalls
        self.irreversibleCalls = irreversibleCalls
        self.cost = cost
    }

    /// The sum of two counters.
    public static func + (lhs: UsageCounters, rhs: UsageCounters) -> UsageCounters {
        UsageCounters(
            modelTurns: lhs.modelTurns + rhs.modelTurns, toolCalls: lhs.toolCalls + rhs.toolCalls,
            irreversibleCalls: lhs.irreversibleCalls + rhs.irreversibleCalls, cost: lhs.cost + rhs.cost)
    }
}

/// What a policy decides about one action.
public struct PolicyVerdict: Sendable, Hashable, Codable {
    /// The action a policy asks for, from the mildest to the strongest.
    public enum Action: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
        /// Go on; note it in the log.
        case log
        /// Go on; warn (a budget at 80%).
        case warn
        /// Pause the run until a person resumes it (a push named `resume`).
        case pause
        /// Notify (the governance notifier), then pause.
        case escalate
        /// End the run with an error.
        case stop

        public static func < (lhs: Action, rhs: Action) -> Bool {
            lhs.rank < rhs.rank
        }

        private var rank: Int {
            switch self {
            case .log: 0
            case .warn: 1
            case .pause: 2
            case .escalate: 3
            case .stop: 4
            }
        }

        /// Reads `log`, `warn`, `pause`, `escalate` or `stop`.
        /// - Throws: `CairnError.invalidArgument` naming the accepted words.
        public static func parse(_ text: String, field: String) throws -> Action {
            guard let action = Action(rawValue: text) else {
                throw CairnError.invalidArgument("\(field): '\(text)' is not one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return action
        }
    }

    /// The policy's name (`budget`, `health`, ...).
    public var policy: String
    /// What it asks for.
    public var action: Action
    /// Why, for people reading the log.
    public var reason: String
    /// A key naming the rule that tripped (`run.turns`, `stuck`, ...), for warnings given once and cooldowns.
    public var rule: String

    /// Creates a verdict.
    public init(policy: String, action: Action, reason: String, rule: String) {
        self.policy = policy
        self.action = action
        self.reason = reason
        self.rule = rule
    }
}

/// The governance decision about one action, recorded in the log as a step (so a resumed run
/// replays the same decision).
public struct GovernanceDecision: Sendable, Hashable, Codable {
    /// The action decided on.
    public var action: GovernedAction
    /// What each policy said (empty: allowed without remarks).
    public var verdicts: [PolicyVerdict]
    /// Usage of the agent today, as read when deciding (when a daily limit needed it).
    public var today: UsageCounters?

    /// Creates a decision.
    public init(action: GovernedAction, verdicts: [PolicyVerdict], today: UsageCounters? = nil) {
        self.action = action
        self.verdicts = verdicts
        self.today = today
    }

    /// The strongest action asked for; nil when the action is simply allowed.
    public var outcome: PolicyVerdict.Action? { verdicts.map(\.action).max() }

    /// The reasons of the verdicts asking for `outcome`, joined.
    public var reason: String {
        guard let outcome else { return "allowed" }
        return verdicts.filter { $0.action == outcome }.map { "\($0.policy): \($0.reason)" }.joined(separator: "; ")
    }
}

/// One tool call as health policies see it.
public struct ToolCallTrace: Sendable, Hashable, Codable {
    /// The tool.
    public var name: String
    /// Its arguments, as the model sent them.
    public var arguments: String
    /// Whether it failed (nil while it has not run).
    public var failed: Bool?

    /// Creates a trace.
    public init(name: String, arguments: String, failed: Bool? = nil) {
        self.name = name
        self.arguments = arguments
        self.failed = failed
    }
}

/// What the policies know when they decide: the run's usage, today's usage, the tool calls and
/// replies so far, and what was already acted on. The agent loop rebuilds it on replay from the
/// recorded steps, so it is the same on every run.
public struct GovernanceState: Sendable, Hashable {
    /// Usage of this run.
    public var run = UsageCounters()
    /// Usage of the agent today (from the usage ledger), set while deciding.
    public var today: UsageCounters?
    /// The run's tool calls, oldest first.
    public var toolCalls: [ToolCallTrace] = []
    /// Assistant replies in a row with neither text nor tool calls.
    public var emptyRepliesInARow = 0
    /// Governed actions so far in the run.
    public var actions = 0
    /// How many times a person resumed the run after each policy paused it.
    public var approvals: [String: Int] = [:]
    /// The rules already warned about (a warning is given once per run).
    public var warned: Set<String> = []
    /// The action index at which each rule last acted (for cooldowns).
    public var lastActed: [String: Int] = [:]

    /// Creates an empty state.
    public init() {}

    /// Notes what a recorded decision did: warnings given, rules that acted.
    mutating func note(_ decision: GovernanceDecision) {
        for verdict in decision.verdicts {
            if verdict.action == .warn { warned.insert(verdict.rule) }
            lastActed[verdict.rule] = actions
        }
        actions += 1
    }
}
