import CairnCore
import CoreMetrics
import Foundation

/// The handlers of a server, by agent name, behind one ``Handler`` that the runtime invokes: a
/// session is served by its agent's handler, or by `default` if configured; a session with
/// neither is never invoked and stays pending. Records invocation metrics.
struct AgentHandlers: Handler {
    /// The handler name that serves agents without their own entry.
    static let fallback = "default"

    let handlers: [String: any Handler]
    let metrics: ServerMetrics

    /// The handler serving `agent`, if any.
    func handler(for agent: String) -> (any Handler)? {
        handlers[agent] ?? handlers[Self.fallback]
    }

    /// Whether sessions of `agent` are invoked (never a system log's).
    func serves(_ agent: String) -> Bool { !SystemLogs.isSystem(agent: agent) && handler(for: agent) != nil }

    func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        guard let handler = handler(for: invocation.session.agent) else {
            throw HandlerFailure(
                ErrorReport(
                    message: "no handler is configured for agent '\(invocation.session.agent)'", kind: "handler", snapshot: invocation.snapshot))
        }
        metrics.invocations.increment()
        let start = ContinuousClock.now
        defer { metrics.invocationLatency.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1))) }
        do {
            return try await handler.invoke(invocation)
        } catch is CancellationError {
            throw CancellationError()
        } catch let restart as InvocationRestart {
            throw restart
        } catch {
            metrics.failures.increment()
            throw error
        }
    }
}
