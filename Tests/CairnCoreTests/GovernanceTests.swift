import Foundation
import Synchronization
import Testing

@testable import CairnCore

/// Budget, health and secrets: each limit trips, its action happens, and the log records it.
@Suite("Governance at the step boundary")
struct GovernanceTests {
    let store = MemoryStore()
    var sessions: Sessions { Sessions(store: store) }

    static func turn(_ text: String, calls: [ToolCall] = [], tokens: Int = 1000) -> ModelTurn {
        AgentTests.turn(text, calls: calls, tokens: tokens)
    }

    static func call(_ id: String, _ name: String, _ arguments: String = "{}") -> ToolCall {
        ToolCall(id: id, name: name, arguments: arguments)
    }

    static let echo = ClosureTool(name: "echo", description: "Echoes") { arguments in arguments.text }

    func start(_ agent: AgentDefinition, prompt: String = "go", conversational: Bool = false) async throws -> (SessionID, DriveReport) {
        let session = try await sessions.create(source: "test")
        try await sessions.push(
            try JSONEncoder().encode(prompt), header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        return (session.id, try await drive(agent, session.id, conversational: conversational))
    }

    func drive(_ agent: AgentDefinition, _ id: SessionID, conversational: Bool = false) async throws -> DriveReport {
        try await Runtime(store: store, handler: WorkflowHandler(AgentWorkflow(agent, conversational: conversational))).drive(id)
    }

    func push(_ value: String, name: String, to id: SessionID) async throws {
        try await sessions.push(try JSONEncoder().encode(value), header: ObjectHeader(contentType: "application/json", name: name), to: id, source: "test")
    }

    /// The recorded governance decisions, oldest first.
    func decisions(_ id: SessionID) async throws -> [GovernanceDecision] {
        var result: [GovernanceDecision] = []
        for entry in try await SessionLog(store: store).entries(of: id) where entry.event == .step && entry.header.name.hasPrefix("governance: ") {
            result.append(try JSONDecoder().decode(GovernanceDecision.self, from: try await store.body(of: entry)))
        }
        return result
    }

    @Test func aRunBudgetWarnsAt80PercentPausesWhenExceededAndAResumeApprovesMore() async throws {
        let provider = ScriptedProvider([
            Self.turn("", calls: [Self.call("1", "echo")]), Self.turn("", calls: [Self.call("2", "echo")]),
            Self.turn("", calls: [Self.call("3", "echo")]), Self.turn("done"),
        ])
        let budget = BudgetPolicy(perRun: BudgetLimits(modelTurns: 2), onExceed: .pause)
        let agent = AgentDefinition(name: "a", instructions: "", model: "m", provider: provider, tools: [Self.echo], governance: Governance(policies: [budget]))
        let (id, report) = try await start(agent)
        guard case .paused = report.status else { Issue.record("expected a pause, got \(report.status)"); return }
        #expect(provider.requests.count == 2, "the third model call was not made")
        let recorded = try await decisions(id)
        #expect(recorded.compactMap(\.outcome) == [.warn, .pause])
        #expect(recorded.last?.reason.contains("3 model turns this run, over the limit of 2") == true)
        #expect(recorded.last?.action == .modelCall(turn: 3))

        try await push("go on", name: "resume", to: id)
        #expect(try await drive(agent, id).status == .finished)
        #expect(provider.requests.count == 4)
        #expect(try await decisions(id).compactMap(\.outcome) == [.warn, .pause], "the doubled limit of 4 is not reached; the warning was given")
    }

    @Test func aStopEndsTheRunAndWeightsAndIrreversibleToolsCount() async throws {
        let provider = ScriptedProvider([Self.turn("", calls: [Self.call("1", "send"), Self.call("2", "send")]), Self.turn("sent")])
        let sent = Mutex(0)
        let send = ClosureTool(name: "send", description: "Sends mail") { _ in
            sent.withLock { $0 += 1 }; return "ok"
        }
        let governance = Governance(policies: [BudgetPolicy(perRun: BudgetLimits(irreversibleCalls: 1), onExceed: .stop)], irreversibleTools: ["send"])
        let (id, report) = try await start(
            AgentDefinition(name: "mailer", instructions: "", model: "m", provider: provider, tools: [send], governance: governance))
        guard case .failed(let message) = report.status else { Issue.record("expected a failure, got \(report.status)"); return }
        #expect(message.contains("stopped by governance before tool send") && message.contains("irreversible tool calls"))
        #expect(sent.withLock { $0 } == 1)
        #expect(try await decisions(id).compactMap(\.outcome) == [.warn, .stop])

        let weighted = Governance(policies: [BudgetPolicy(perRun: BudgetLimits(toolCalls: 5), onExceed: .stop)], toolWeights: ["echo": 3])
        let twice = ScriptedProvider([Self.turn("", calls: [Self.call("1", "echo"), Self.call("2", "echo")]), Self.turn("x")])
        let (_, second) = try await start(AgentDefinition(name: "w", instructions: "", model: "m", provider: twice, tools: [Self.echo], governance: weighted))
        guard case .failed(let reason) = second.status else { Issue.record("expected a failure, got \(second.status)"); return }
        #expect(reason.contains("would make 6 tool calls this run, over the limit of 5"))
    }

    @Test func aDailyBudgetCountsEarlierRunsFromTheLedgerAndEscalationNotifiesThenPauses() async throws {
        let ledger = MemoryUsageLedger()
        let notified = EscalationLog()
        let pricing = ModelPricing(inputPerMillion: 100, outputPerMillion: 100)  // 2000 tokens a turn: 0.2 a turn
        let governance = Governance(policies: [BudgetPolicy(perDay: BudgetLimits(cost: 0.5), onExceed: .escalate)], ledger: ledger, notifier: notified)
        func agent(_ provider: ScriptedProvider) -> AgentDefinition {
            AgentDefinition(name: "spender", instructions: "", model: "m", provider: provider, tools: [Self.echo], pricing: pricing, governance: governance)
        }
        let first = ScriptedProvider([Self.turn("", calls: [Self.call("1", "echo")]), Self.turn("one")])
        #expect(try await start(agent(first)).1.status == .finished)
        let spent = try await ledger.usage(agent: "spender", on: Date())
        #expect(spent.modelTurns == 2 && abs(spent.cost - 0.4) < 1e-9 && spent.toolCalls == 1)

        let second = ScriptedProvider([Self.turn("two"), Self.turn("three")])
        let (id, report) = try await start(agent(second))
        #expect(report.status == .finished, "0.4 spent: the first call warns (80%), then the run ends")
        #expect(try await decisions(id).compactMap(\.outcome) == [.warn])
        let third = ScriptedProvider([Self.turn("four")])
        let (blocked, status) = try await start(agent(third))
        guard case .paused = status.status else { Issue.record("expected a pause, got \(status.status)"); return }
        #expect(third.requests.isEmpty)
        #expect(notified.all.count == 1 && notified.all.first?.session == blocked.description)
        let entries = try await SessionLog(store: store).entries(of: blocked)
        #expect(entries.contains { $0.event == .step && $0.header.name == "escalation: model turn 1" })
        #expect(try await decisions(blocked).last?.today?.modelTurns == 3)
    }

    @Test func aStuckAgentIsPausedAndTheCooldownLetsItGoOnAfterAResume() async throws {
        let same = Self.call("x", "echo", #"{"q":"same"}"#)
        let provider = ScriptedProvider([
            Self.turn("", calls: [same]), Self.turn("", calls: [same]), Self.turn("", calls: [same]), Self.turn("", calls: [same]), Self.turn("ok"),
        ])
        let health = HealthPolicy(stuckAfter: 3, action: .pause, cooldown: 3)
        let agent = AgentDefinition(name: "h", instructions: "", model: "m", provider: provider, tools: [Self.echo], governance: Governance(policies: [health]))
        let (id, report) = try await start(agent)
        guard case .paused = report.status else { Issue.record("expected a pause, got \(report.status)"); return }
        let tripped = try #require(try await decisions(id).last)
        #expect(tripped.verdicts.map(\.rule) == ["health.stuck"] && tripped.reason.contains("3th time"))
        try await push("fine", name: "resume", to: id)
        #expect(try await drive(agent, id).status == .finished, "the fourth identical call falls in the cooldown")
    }

    @Test func loopsEmptyRepliesAndErrorRatesAreNoticed() async throws {
        // A loop a → b → a → b → a → b, logged and let through.
        let calls = ["a", "b", "a", "b", "a", "b"].enumerated().map { Self.turn("", calls: [Self.call("\($0.offset)", "echo", #"{"t":"\#($0.element)"}"#)]) }
        let looping = ScriptedProvider(calls + [Self.turn("out")])
        let logged = AgentDefinition(
            name: "l", instructions: "", model: "m", provider: looping, tools: [Self.echo],
            governance: Governance(policies: [HealthPolicy(loopRepeats: 3, action: .log)]))
        let (id, report) = try await start(logged)
        #expect(report.status == .finished)
        let loopDecisions = try await decisions(id).filter { $0.outcome == .log }
        #expect(loopDecisions.count == 1 && loopDecisions[0].verdicts[0].rule == "health.loop")

        // Two empty replies in a row: escalated before the third model call.
        let notified = EscalationLog()
        let empty = ScriptedProvider([Self.turn(""), Self.turn(" "), Self.turn("never")])
        let silent = AgentDefinition(
            name: "e", instructions: "", model: "m", provider: empty,
            governance: Governance(policies: [HealthPolicy(emptyReplies: 2, action: .escalate)], notifier: notified))
        let (_, quiet) = try await start(silent)
        guard case .paused = quiet.status else { Issue.record("expected a pause, got \(quiet.status)"); return }
        #expect(empty.requests.count == 2 && notified.all.first?.decision.verdicts.first?.rule == "health.empty")

        // Three of four tool calls failing: stopped.
        let broken = ClosureTool(name: "broken", description: "") { _ in throw CairnError.invalidArgument("down") }
        let failing = ScriptedProvider((0..<4).map { Self.turn("", calls: [Self.call("\($0)", "broken", #"{"n":\#($0)}"#)]) } + [Self.turn("x")])
        let errors = AgentDefinition(
            name: "r", instructions: "", model: "m", provider: failing, tools: [broken],
            governance: Governance(policies: [HealthPolicy(errorRate: 0.75, errorWindow: 4, action: .stop)]))
        let (_, stopped) = try await start(errors)
        guard case .failed(let message) = stopped.status else { Issue.record("expected a failure, got \(stopped.status)"); return }
        #expect(message.contains("4 of the last 4 tool calls failed"))
    }

    @Test func secretValuesNeverReachTheLogTheModelOrErrors() async throws {
        let secret = "sk-live-7f3a9c1e5b"
        let vault = try SecretVault([SecretVault.Definition(name: "API_KEY", source: .environment("TEST_API_KEY"))], environment: ["TEST_API_KEY": secret])
        let leaky = ClosureTool(name: "leak", description: "") { _ in "the key is \(secret)!" }
        let failing = ClosureTool(name: "fail", description: "") { _ in throw CairnError.invalidArgument("rejected key \(secret)") }
        let provider = ScriptedProvider([
            Self.turn("", calls: [Self.call("1", "leak"), Self.call("2", "fail")]),
            Self.turn("I saw \(secret) somewhere"),
        ])
        let seen = Mutex("")
        let agent = AgentDefinition(
            name: "s", instructions: "", model: "m", provider: provider, tools: [leaky, failing], secrets: vault,
            observer: { _, event in seen.withLock { $0 += "\(event)" } })
        let (id, report) = try await start(agent, prompt: "use \(secret)")
        #expect(report.status == .finished)
        #expect(provider.requests[0].messages[0].text == "use [REDACTED]")
        #expect(provider.requests[1].messages.filter { $0.role == .tool }.map(\.text) == ["the key is [REDACTED]!", "rejected key [REDACTED]"])
        #expect(!seen.withLock { $0 }.contains(secret) && seen.withLock { $0 }.contains("[REDACTED]"))
        // Everything but the test's own push of the prompt (clients redact what they push: `cairn agent` does).
        for entry in try await SessionLog(store: store).entries(of: id) where entry.source != "test" {
            let body = String(decoding: try await store.body(of: entry), as: UTF8.self)
            #expect(!body.contains(secret) && !"\(entry.header)".contains(secret), "entry #\(entry.seq) \(entry.header.name)")
        }
        #expect(try await vault.resolve("Bearer ${secret:API_KEY}") == "Bearer \(secret)")
    }

    @Test func subAgentsRedactTheirParentsSecretsAndCountTowardItsBudget() async throws {
        let secret = "parent-secret-93c1"
        let vault = try SecretVault([SecretVault.Definition(name: "KEY", source: .value(secret))])
        let leaky = ClosureTool(name: "peek", description: "") { _ in "found \(secret)" }
        let helper = AgentDefinition(
            name: "helper", instructions: "", model: "m",
            provider: ScriptedProvider([Self.turn("", calls: [Self.call("h1", "peek")]), Self.turn("it says \(secret)")]),
            tools: [leaky])
        let parent = ScriptedProvider([Self.turn("", calls: [Self.call("p1", "helper", #"{"task":"look"}"#)]), Self.turn("done"), Self.turn("never")])
        let budget = BudgetPolicy(perRun: BudgetLimits(modelTurns: 3), onExceed: .stop)
        let agent = AgentDefinition(
            name: "boss", instructions: "", model: "m", provider: parent, subAgents: [helper],
            governance: Governance(policies: [budget]), secrets: vault)
        let (id, report) = try await start(agent)
        guard case .failed(let message) = report.status else { Issue.record("expected the budget to stop the run, got \(report.status)"); return }
        #expect(message.contains("would make 4 model turns this run"), "the helper's 2 turns count: \(message)")
        for entry in try await SessionLog(store: store).entries(of: id) where entry.source != "test" {
            #expect(!String(decoding: try await store.body(of: entry), as: UTF8.self).contains(secret), "entry #\(entry.seq) \(entry.header.name)")
        }
    }

    @Test func aReplayedLastReplyIsShownAgainButEarlierOnesAreNot() async throws {
        let provider = ScriptedProvider([Self.turn("Hello.")], order: .byConversation)
        let agent = AgentDefinition(name: "r", instructions: "", model: "m", provider: provider)
        let (id, _) = try await start(agent, conversational: true)
        // A fork cut after the reply's model turn: the turn is recorded, the pause is not (a crash there).
        let entries = try await SessionLog(store: store).entries(of: id)
        let turn = try #require(entries.last { $0.header.name == "model turn 1" })
        let fork = try await sessions.fork(id, at: turn.seq + 1, source: "test")
        let replies = Mutex<[String]>([])
        var observed = agent
        observed.observer = { _, event in if case .reply(let text) = event { replies.withLock { $0.append(text) } } }
        guard case .paused = try await drive(observed, fork.id, conversational: true).status else { Issue.record("expected a pause"); return }
        #expect(replies.withLock { $0 } == ["Hello."])
        #expect(provider.requests.count == 1, "the model was not asked again")
    }

    @Test func rotatedSecretsAreReadAgainAndStayRedacted() async throws {
        let version = Mutex(0)
        let vault = try SecretVault([
            SecretVault.Definition(
                name: "T",
                source: .provider({
                    version.withLock {
                        $0 += 1; return "token-v\($0)"
                    }
                }), ttl: .zero)
        ])
        #expect(try await vault.value("T") == "token-v1")
        #expect(try await vault.value("T") == "token-v2")
        #expect(vault.redact("token-v1 token-v2") == "[REDACTED] [REDACTED]")
        await #expect(throws: CairnError.self) { try await vault.value("missing") }
        #expect(throws: CairnError.self) { try SecretVault([SecretVault.Definition(name: "X", source: .environment("UNSET_VAR_FOR_TEST"))], environment: [:]) }
    }

    @Test func aConversationAnswersEachMessageWithTheWholeHistory() async throws {
        let provider = ScriptedProvider([Self.turn("Hi Ada."), Self.turn("Your name is Ada.")])
        let agent = AgentDefinition(name: "chat", instructions: "", model: "m", provider: provider)
        let (id, first) = try await start(agent, prompt: "I am Ada", conversational: true)
        guard case .paused = first.status else { Issue.record("expected to wait for a message, got \(first.status)"); return }
        try await push("What is my name?", name: "message", to: id)
        let replies = Mutex<[String]>([])
        var observed = agent
        observed.observer = { _, event in if case .reply(let text) = event { replies.withLock { $0.append(text) } } }
        guard case .paused = try await drive(observed, id, conversational: true).status else { Issue.record("expected a pause"); return }
        #expect(provider.requests.count == 2)
        #expect(provider.requests[1].messages.map(\.text) == ["I am Ada", "Hi Ada.", "What is my name?"])
        #expect(replies.withLock { $0 } == ["Your name is Ada."], "replayed replies are not shown again")
    }

    @Test func hostAllowlistsDenyByDefaultAndOnlyNarrow() throws {
        let operatorList = try HostAllowlist(["api.example.com", "*.internal.net", "127.0.0.1:8080"])
        #expect(operatorList.allows(try #require(URL(string: "https://api.example.com/x"))))
        #expect(operatorList.allows(try #require(URL(string: "http://db.internal.net/"))))
        #expect(!operatorList.allows(try #require(URL(string: "http://internal.net/"))))
        #expect(operatorList.allows(try #require(URL(string: "http://127.0.0.1:8080/"))))
        #expect(!operatorList.allows(try #require(URL(string: "http://127.0.0.1:9090/"))))
        #expect(!operatorList.allows(try #require(URL(string: "file:///etc/passwd"))))
        #expect(!HostAllowlist.denyAll.allows(try #require(URL(string: "https://api.example.com/"))))
        let narrowed = try operatorList.narrowed(to: ["api.example.com", "evil.com", "x.internal.net", "*.internal.net", "*.net"])
        #expect(narrowed.patterns == ["api.example.com", "x.internal.net", "*.internal.net"])
        #expect(throws: CairnError.self) { try HostAllowlist(["https://x.com/path"]) }
        #expect(throws: CairnError.self) { try HostAllowlist(["x.com:99999"]) }
    }

    @Test func loopDetectionFindsRepeatedCyclesOnly() {
        #expect(HealthPolicy.loopLength(["a", "b", "a", "b", "a", "b"], repeats: 3, maxLength: 4) == 2)
        #expect(HealthPolicy.loopLength(["a", "b", "c", "a", "b", "c"], repeats: 2, maxLength: 4) == 3)
        #expect(HealthPolicy.loopLength(["a", "a", "a", "a"], repeats: 2, maxLength: 4) == nil, "one repeated call is 'stuck', not a loop")
        #expect(HealthPolicy.loopLength(["a", "b", "a", "c"], repeats: 2, maxLength: 4) == nil)
    }
}

/// Escalations received, for tests.
final class EscalationLog: EscalationNotifier {
    private let received = Mutex<[Escalation]>([])
    var all: [Escalation] { received.withLock { $0 } }
    func notify(_ escalation: Escalation) async throws { received.withLock { $0.append(escalation) } }
}
