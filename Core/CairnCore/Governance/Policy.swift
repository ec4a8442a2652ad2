import Foundation
import Logging

/// A governance policy: consulted before each model call and tool call of an agent run.
///
/// Policies are pure functions of the action and the state: the agent loop records their
/// verdicts as a step, so a replay sees the same decisions.
public protocol GovernancePolicy: Sendable {
    /// Its name, as recorded in verdicts.
    var name: String { get }
    /// Whether it needs today's usage from the ledger.
    var needsDailyUsage: Bool { get }
    /// What it says about `action` (empty: nothing to say).
    func evaluate(_ action: GovernedAction, state: GovernanceState) -> [PolicyVerdict]
}

extension GovernancePolicy {
    public var needsDailyUsage: Bool { false }
}

/// An escalation: a decision a person should look at.
public struct Escalation: Sendable, Hashable, Codable {
    /// The agent.
    public var agent: String
    /// The session of the run.
    public var session: String
    /// The decision that escalated.
    public var decision: GovernanceDecision

    /// Creates an escalation.
    public init(agent: String, session: String, decision: GovernanceDecision) {
        self.agent = agent
        self.session = session
        self.decision = decision
    }
}

/// Where escalations go (a log, a webhook, a pager). Called once per escalation, inside a
/// recorded step: a crash right after may call it again on resume, never on later replays.
public protocol EscalationNotifier: Sendable {
    /// Delivers `escalation`. - Throws: delivery failures (the step fails and the run with it).
    func notify(_ escalation: Escalation) async throws
}

/// The default notifier: logs escalations at `critical` level through swift-log.
public struct LogEscalationNotifier: EscalationNotifier {
    private let logger = Logger(label: "cairn.governance")

    /// Creates the notifier.
    public init() {}

    public func notify(_ escalation: Escalation) async throws {
        logger.critical(
            "agent run escalated: \(escalation.decision.reason)",
            metadata: ["agent": "\(escalation.agent)", "session": "\(escalation.session)"])
    }
}

/// An agent's governance: the policy chain, which tools are irreversible, the usage ledger for
/// daily limits, and where escalations go.
public struct Governance: Sendable {
    /// The policies, consulted in order; every verdict is recorded.
    public var policies: [any GovernancePolicy]
    /// Tools whose calls cannot be undone (counted against `irreversible` limits).
    public var irreversibleTools: Set<String>
    /// How much one call of a tool counts against tool-call limits (default 1).
    public var toolWeights: [String: Double]
    /// Usage per agent and day, for daily limits (nil: daily limits see only this run).
    public var ledger: (any UsageLedger)?
    /// Where escalations go.
    public var notifier: any EscalationNotifier

    /// Creates a governance configuration.
    public init(
        policies: [any GovernancePolicy] = [], irreversibleTools: Set<String> = [], toolWeights: [String: Double] = [:], ledger: (any UsageLedger)? = nil,
        notifier: any EscalationNotifier = LogEscalationNotifier()
    ) {
        self.policies = policies
        self.irreversibleTools = irreversibleTools
        self.toolWeights = toolWeights
        self.ledger = ledger
        self.notifier = notifier
    }

    /// No policies: every action is allowed and nothing is recorded for it.
    public static let none = Governance()

    /// Consults every policy about `action`; daily usage comes from `ledger` under `agent`.
    func decide(_ action: GovernedAction, state: GovernanceState, agent: String, ledger: (any UsageLedger)?, now: Date) async throws -> GovernanceDecision {
        var state = state
        if let ledger, policies.contains(where: \.needsDailyUsage) {
            state.today = try await ledger.usage(agent: agent, on: now)
        }
        return GovernanceDecision(action: action, verdicts: policies.flatMap { $0.evaluate(action, state: state) }, today: state.today)
    }
}

/// The error that ends a run a policy stopped.
public struct GovernanceStop: Error, Sendable, CustomStringConvertible {
    /// The decision.
    public let decision: GovernanceDecision

    public var description: String { "stopped by governance before \(decision.action.summary): \(decision.reason)" }
}
