import CairnCore
public import Foundation
import Synchronization

/// What an agent-run stream carries: the agent's live events, keep-alives, and the end of the
/// invocation with the session's state.
public enum AgentRunEvent: Sendable {
    /// An event of the agent (text delta, tool call, ...).
    case agent(AgentEvent)
    /// The invocation ended: `status` is `replied` (waiting for the next message), `paused`
    /// (governance: waiting for `resume`), `finished`, `sleeping`, `failed` or `cancelled`;
    /// `snapshot` is the length of the log the invocation saw.
    case done(status: String, reason: String, snapshot: Int)
    /// Nothing happened for a while (streams send a comment).
    case keepAlive
}

/// The agents an assembly runs in process, and the live side of their runs: each session's
/// subscribers, and the cancellation of a run in flight. Transport-neutral: frontends (the HTTP
/// agent-run routes) subscribe and cancel; handler kinds (`agent_file`) register agents.
///
/// One instance per assembly, shared through ``ComponentResources`` under ``resourceKey``.
public final class AgentRuns: Sendable {
    /// A subscriber, and the shortest log an invocation must have seen for its `done` to count
    /// (so a client that pushed a message is not ended by the invocation before it).
    private struct Subscriber {
        var continuation: AsyncStream<AgentRunEvent>.Continuation
        var minimumSnapshot: Int
    }

    private struct State {
        var agents: [String: AgentDefinition] = [:]
        var subscribers: [SessionID: [UUID: Subscriber]] = [:]
        var running: [SessionID: AsyncStream<Void>.Continuation] = [:]
        /// The end of an invocation, published once the driver committed what it wrote.
        var ended: [SessionID: AgentRunEvent] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty set of agents.
    public init() {}

    /// The key of the assembly's instance in ``ComponentResources``.
    public static let resourceKey = "cairn.agent-runs"

    /// The instance of `resources`, created on first use.
    public static func shared(in resources: ComponentResources) async throws -> AgentRuns {
        try await resources.shared(resourceKey) { AgentRuns() }
    }

    /// A handler running `definition` for the sessions of `agent`, publishing its events here.
    public func handler(for definition: AgentDefinition, agent: String) -> any Handler {
        var observed = definition
        observed.observer = { [weak self] session, event in self?.publish(session, .agent(event)) }
        state.withLock { $0.agents[agent] = observed }
        return AgentRunHandler(workflow: WorkflowHandler(AgentWorkflow(observed, conversational: true)), runs: self)
    }

    /// The agent registered for `agent`, if any.
    public func definition(of agent: String) -> AgentDefinition? { state.withLock { $0.agents[agent] } }

    /// The names of the registered agents, sorted.
    public var agentNames: [String] { state.withLock { $0.agents.keys.sorted() } }

    /// Subscribes to `session`'s events until a `done` of an invocation that saw at least
    /// `minimumSnapshot` entries (the stream then ends); call ``unsubscribe(_:_:)`` if it is
    /// abandoned earlier. At most 4096 events wait for a slow reader; older ones are dropped.
    public func subscribe(_ session: SessionID, minimumSnapshot: Int = 0) -> (UUID, AsyncStream<AgentRunEvent>) {
        let (stream, continuation) = AsyncStream<AgentRunEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = UUID()
        state.withLock { $0.subscribers[session, default: [:]][id] = Subscriber(continuation: continuation, minimumSnapshot: minimumSnapshot) }
        return (id, stream)
    }

    /// Raises the snapshot a subscriber's `done` needs (once its push has a sequence number).
    public func expect(_ session: SessionID, _ id: UUID, snapshotAbove seq: Int) {
        state.withLock { $0.subscribers[session]?[id]?.minimumSnapshot = seq + 1 }
    }

    /// Ends a subscription.
    public func unsubscribe(_ session: SessionID, _ id: UUID) {
        let subscriber = state.withLock { state -> Subscriber? in
            defer { if state.subscribers[session]?.isEmpty == true { state.subscribers[session] = nil } }
            return state.subscribers[session]?.removeValue(forKey: id)
        }
        subscriber?.continuation.finish()
    }

    /// Sends a keep-alive to one subscriber.
    public func keepAlive(_ session: SessionID, _ id: UUID) {
        _ = state.withLock { $0.subscribers[session]?[id] }?.continuation.yield(.keepAlive)
    }

    /// Sends `event` to every subscriber of `session`; a `done` ends the subscriptions it
    /// completes (also ones whose reader went away).
    func publish(_ session: SessionID, _ event: AgentRunEvent) {
        guard case .done(_, _, let snapshot) = event else {
            for subscriber in state.withLock({ Array(($0.subscribers[session] ?? [:]).values) }) { subscriber.continuation.yield(event) }
            return
        }
        let completed = state.withLock { state -> [Subscriber] in
            let done = (state.subscribers[session] ?? [:]).filter { snapshot >= $0.value.minimumSnapshot }
            for id in done.keys { state.subscribers[session]?.removeValue(forKey: id) }
            if state.subscribers[session]?.isEmpty == true { state.subscribers[session] = nil }
            return Array(done.values)
        }
        for subscriber in completed {
            subscriber.continuation.yield(event)
            subscriber.continuation.finish()
        }
    }

    /// Keeps the end of an invocation of `session` until its turn ends (``turnEnded(_:)``), so a
    /// client that gets `done` finds the outputs in the log (a `resume` finds the pause).
    func ended(_ session: SessionID, _ event: AgentRunEvent) {
        state.withLock { $0.ended[session] = event }
    }

    /// Publishes the end of the invocation of `session` whose outputs were just committed.
    public func turnEnded(_ session: SessionID) {
        guard let event = state.withLock({ $0.ended.removeValue(forKey: session) }) else { return }
        publish(session, event)
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
    public func cancel(_ session: SessionID) -> Bool {
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
            runs.ended(session, .done(status: "failed", reason: failure.report.message, snapshot: invocation.snapshot))
            throw failure
        }
        guard let outputs else {
            runs.ended(session, .done(status: "cancelled", reason: "the run was cancelled by a client", snapshot: invocation.snapshot))
            return [.pause("run cancelled by a client; send a message or wake the session to go on")]
        }
        runs.ended(session, Self.done(outputs, snapshot: invocation.snapshot))
        return outputs
    }

    static func text(_ output: HandlerOutput) -> String {
        if case .data(let data) = output.body { return String(decoding: data, as: UTF8.self) }
        return ""
    }

    /// The end of an invocation, from its outputs.
    static func done(_ outputs: [HandlerOutput], snapshot: Int) -> AgentRunEvent {
        if outputs.contains(where: { $0.header.contentType == ContentTypes.finish }) { return .done(status: "finished", reason: "", snapshot: snapshot) }
        guard let control = outputs.last(where: { $0.header.contentType == ContentTypes.pause }) else {
            return .done(status: "pending", reason: "", snapshot: snapshot)
        }
        if control.header.metadata[MetadataKeys.until] != nil || control.header.metadata[MetadataKeys.duration] != nil {
            return .done(status: "sleeping", reason: text(control), snapshot: snapshot)
        }
        let reason = text(control)
        return .done(status: reason.contains("'message'") ? "replied" : "paused", reason: reason, snapshot: snapshot)
    }
}
