import CairnCore
import Foundation
import Synchronization

/// What an agent-run stream carries: the agent's live events, keep-alives, and the end of the
/// invocation with the session's state.
public enum AgentRunEvent: Sendable {
    /// An event of the agent (text delta, tool call, ...).
    case agent(AgentEvent)
    /// The invocation ended: `status` is `replied` (waiting for the next message), `paused`
    /// (governance: waiting for `resume`), `finished`, `sleeping`, `failed` or `cancelled`.
    case done(status: String, reason: String)
    /// Nothing happened for a while (streams send a comment).
    case keepAlive
}

/// The agents `cairn serve` runs in process, and the live side of their runs: each session's
/// subscribers, and the cancellation of a run in flight.
///
/// Register agents with ``handler(for:agent:)`` (the `agent_file` handler kind does) and add the
/// routes by passing this object as a server extension.
public final class AgentRuns: Sendable {
    private struct State {
        var agents: [String: AgentDefinition] = [:]
        var subscribers: [SessionID: [UUID: AsyncStream<AgentRunEvent>.Continuation]] = [:]
        var running: [SessionID: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty set of agents.
    public init() {}

    /// A handler running `definition` for the sessions of `agent`, publishing its events here.
    public func handler(for definition: AgentDefinition, agent: String) -> any Handler {
        var observed = definition
        observed.observer = { [weak self] session, event in self?.publish(session, .agent(event)) }
        state.withLock { $0.agents[agent] = observed }
        return AgentRunHandler(workflow: WorkflowHandler(AgentWorkflow(observed, conversational: true)), runs: self)
    }

    /// The agent registered for `agent`, if any.
    func definition(of agent: String) -> AgentDefinition? { state.withLock { $0.agents[agent] } }

    /// The names of the registered agents, sorted.
    var agentNames: [String] { state.withLock { $0.agents.keys.sorted() } }

    /// Subscribes to `session`'s events; call ``unsubscribe(_:_:)`` when done.
    func subscribe(_ session: SessionID) -> (UUID, AsyncStream<AgentRunEvent>) {
        let (stream, continuation) = AsyncStream<AgentRunEvent>.makeStream()
        let id = UUID()
        state.withLock { $0.subscribers[session, default: [:]][id] = continuation }
        return (id, stream)
    }

    /// Ends a subscription.
    func unsubscribe(_ session: SessionID, _ id: UUID) {
        let continuation = state.withLock { state -> AsyncStream<AgentRunEvent>.Continuation? in
            defer { if state.subscribers[session]?.isEmpty == true { state.subscribers[session] = nil } }
            return state.subscribers[session]?.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Sends a keep-alive to one subscriber.
    func keepAlive(_ session: SessionID, _ id: UUID) {
        _ = state.withLock { $0.subscribers[session]?[id] }?.yield(.keepAlive)
    }

    /// Sends `event` to every subscriber of `session`.
    func publish(_ session: SessionID, _ event: AgentRunEvent) {
        for continuation in state.withLock({ Array(($0.subscribers[session] ?? [:]).values) }) { continuation.yield(event) }
    }

    /// Marks a run of `session` in flight; the stream yields when a client cancels it.
    func begin(_ session: SessionID) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        state.withLock { $0.running[session] = continuation }
        return stream
    }

    /// Marks the run of `session` over.
    func end(_ session: SessionID) {
        state.withLock { $0.running.removeValue(forKey: session) }?.finish()
    }

    /// Cancels the run of `session` in flight; false if there is none.
    func cancel(_ session: SessionID) -> Bool {
        guard let continuation = state.withLock({ $0.running[session] }) else { return false }
        continuation.yield()
        return true
    }
}

/// Runs an agent's workflow for one invocation, racing a client's cancel, and publishes the end
/// of the invocation. A cancelled run records a pause: what it had recorded stays, and a later
/// push (a message, a `resume`, a wake) continues it from there.
struct AgentRunHandler: Handler {
    let workflow: any Handler
    let runs: AgentRuns

    func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        let session = invocation.session.id
        let cancelled = runs.begin(session)
        defer { runs.end(session) }
        let outputs: [HandlerOutput]?
        do {
            outputs = try await withThrowingTaskGroup(of: [HandlerOutput]?.self) { group in
                group.addTask { try await workflow.invoke(invocation) }
                group.addTask {
                    for await _ in cancelled { return nil }
                    try await Task.sleep(for: .seconds(86_400 * 365))  // never cancelled: wait to be cancelled by the group
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        } catch let failure as HandlerFailure {
            runs.publish(session, .done(status: "failed", reason: failure.report.message))
            throw failure
        }
        guard let outputs else {
            runs.publish(session, .done(status: "cancelled", reason: "the run was cancelled by a client"))
            return [.pause("run cancelled by a client; push a message, 'resume' or wake the session to go on")]
        }
        runs.publish(session, Self.done(outputs))
        return outputs
    }

    static func text(_ output: HandlerOutput) -> String {
        if case .data(let data) = output.body { return String(decoding: data, as: UTF8.self) }
        return ""
    }

    /// The end of an invocation, from its outputs.
    static func done(_ outputs: [HandlerOutput]) -> AgentRunEvent {
        if outputs.contains(where: { $0.header.contentType == ContentTypes.finish }) { return .done(status: "finished", reason: "") }
        guard let control = outputs.last(where: { $0.header.contentType == ContentTypes.pause }) else {
            return .done(status: "pending", reason: "")
        }
        if control.header.metadata[MetadataKeys.until] != nil || control.header.metadata[MetadataKeys.duration] != nil {
            return .done(status: "sleeping", reason: text(control))
        }
        let reason = text(control)
        return .done(status: reason.contains("'message'") ? "replied" : "paused", reason: reason)
    }
}
