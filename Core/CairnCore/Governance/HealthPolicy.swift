import Foundation

/// Health: notices an agent that is stuck (the same tool with the same arguments N times), going
/// round a loop of tool calls, replying with nothing, or failing most of its tool calls, and
/// acts (log, pause or escalate). After a rule acts it stays quiet for `cooldown` actions.
public struct HealthPolicy: GovernancePolicy {
    public let name = "health"
    /// Trip when a tool would be called with the same arguments this many times in a run.
    public var stuckAfter: Int?
    /// Trip when a cycle of 2 to `maxLoopLength` calls would repeat this many times in a row.
    public var loopRepeats: Int?
    /// The longest cycle looked for.
    public var maxLoopLength: Int
    /// Trip when this many replies in a row had neither text nor tool calls.
    public var emptyReplies: Int?
    /// Trip when at least this fraction of the last `errorWindow` tool calls failed.
    public var errorRate: Double?
    /// How many recent tool calls the error rate looks at (it needs that many).
    public var errorWindow: Int
    /// What to do: `.log`, `.pause` or `.escalate` (`.stop` works too).
    public var action: PolicyVerdict.Action
    /// Governed actions to stay quiet for after a rule acted.
    public var cooldown: Int

    /// Creates a health policy.
    public init(
        stuckAfter: Int? = nil, loopRepeats: Int? = nil, maxLoopLength: Int = 4, emptyReplies: Int? = nil, errorRate: Double? = nil,
        errorWindow: Int = 10, action: PolicyVerdict.Action = .pause, cooldown: Int = 10
    ) {
        self.stuckAfter = stuckAfter
        self.loopRepeats = loopRepeats
        self.maxLoopLength = maxLoopLength
        self.emptyReplies = emptyReplies
        self.errorRate = errorRate
        self.errorWindow = errorWindow
        self.action = action
        self.cooldown = cooldown
    }

    public func evaluate(_ governed: GovernedAction, state: GovernanceState) -> [PolicyVerdict] {
        var verdicts: [PolicyVerdict] = []
        func trip(_ rule: String, _ reason: String) {
            let key = "health.\(rule)"
            if let last = state.lastActed[key], state.actions - last <= cooldown { return }
            verdicts.append(PolicyVerdict(policy: name, action: action, reason: reason, rule: key))
        }
        switch governed {
        case .toolCall(let tool, let arguments, _, _):
            let calls = state.toolCalls.map { "\($0.name) \($0.arguments)" } + ["\(tool) \(arguments)"]
            if let stuckAfter, let current = calls.last {
                let same = calls.filter { $0 == current }.count
                if same >= stuckAfter {
                    trip("stuck", "\(tool) would be called with the same arguments for the \(same)th time: the agent looks stuck")
                }
            }
            if let loopRepeats, let length = Self.loopLength(calls, repeats: loopRepeats, maxLength: maxLoopLength) {
                let cycle = calls.suffix(length).map { $0.split(separator: " ").first.map(String.init) ?? $0 }
                trip("loop", "the tool calls \(cycle.joined(separator: " → ")) would repeat \(loopRepeats) times in a row: the agent is going round a loop")
            }
        case .modelCall:
            if let emptyReplies, state.emptyRepliesInARow >= emptyReplies {
                trip("empty", "the model replied with nothing \(state.emptyRepliesInARow) times in a row")
            }
            if let errorRate {
                let recent = state.toolCalls.suffix(errorWindow).compactMap(\.failed)
                let failures = recent.filter { $0 }.count
                if recent.count >= errorWindow, Double(failures) >= errorRate * Double(recent.count) {
                    trip("errors", "\(failures) of the last \(recent.count) tool calls failed")
                }
            }
        }
        return verdicts
    }

    /// The length of a cycle (2...maxLength, not all one call) that the end of `calls` repeats
    /// `repeats` times in a row, if any.
    static func loopLength(_ calls: [String], repeats: Int, maxLength: Int) -> Int? {
        guard repeats >= 2, maxLength >= 2 else { return nil }
        for length in 2...maxLength {
            let (needed, overflow) = length.multipliedReportingOverflow(by: repeats)
            guard !overflow, calls.count >= needed else { continue }
            let window = Array(calls.suffix(needed))
            let cycle = window.suffix(length)
            guard Set(cycle).count > 1 else { continue }
            if window.indices.allSatisfy({ $0 < length || window[$0] == window[$0 - length] }) { return length }
        }
        return nil
    }
}
