public import CairnCore
import CoreMetrics
import Foundation
import Logging
public import ServiceLifecycle

/// The runtime as a service: drives every session that has a pending event or a due timer and a
/// configured handler, with at most ``concurrency`` invocations at once.
///
/// - Fairness: each turn takes one step (one invocation) of one session from a round-robin
///   ``DriveQueue``; a session with more work goes to the back.
/// - Promptness: the API calls ``notify(_:)`` after each push; a scan every ``pollInterval``
///   finds sessions changed by other processes and wakes due timers.
/// - Graceful shutdown: no new turn starts; invocations in flight may finish within
///   ``shutdownGrace`` and are then cancelled. A cancelled invocation appends nothing (appends
///   are compare-and-swap on the version the handler saw), so it runs again after a restart and
///   nothing acknowledged is lost.
public final class SessionDriver: Service, Sendable {
    let runtime: Runtime
    let handlers: AgentHandlers
    let queue = DriveQueue()
    let concurrency: Int
    let pollInterval: Duration
    let shutdownGrace: Duration
    let metrics: ServerMetrics
    let logger: Logger
    /// Called after each turn of a session, once what the turn's invocation wrote is committed.
    let afterTurn: @Sendable (SessionID) -> Void

    init(
        runtime: Runtime, handlers: AgentHandlers, concurrency: Int, pollInterval: Duration, shutdownGrace: Duration,
        metrics: ServerMetrics, logger: Logger, afterTurn: @escaping @Sendable (SessionID) -> Void = { _ in }
    ) {
        self.afterTurn = afterTurn
        self.runtime = runtime
        self.handlers = handlers
        self.concurrency = concurrency
        self.pollInterval = pollInterval
        self.shutdownGrace = shutdownGrace
        self.metrics = metrics
        self.logger = logger
    }

    /// Asks for a turn for `session` (after a push, a wake or a fork through the API).
    public func notify(_ session: SessionID) {
        queue.enqueue(session)
        metrics.queueDepth.record(queue.depth)
    }

    private enum Finished: Sendable { case worker, scanner, grace }

    public func run() async throws {
        guard !handlers.handlers.isEmpty else {
            logger.notice("no handlers configured: sessions are stored and streamed but never invoked")
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Finished.self) { group in
            group.addTask {
                await self.scan(); return .scanner
            }
            for _ in 0..<concurrency {
                group.addTask {
                    await self.work(); return .worker
                }
            }
            try? await gracefulShutdown()
            logger.info("stopping: in-flight invocations may finish", metadata: ["grace": "\(shutdownGrace)", "running": "\(queue.running)"])
            queue.close()
            group.addTask {
                try? await Task.sleep(for: self.shutdownGrace)
                return .grace
            }
            var remaining = concurrency + 1
            while remaining > 0, let finished = await group.next() {
                switch finished {
                case .worker, .scanner: remaining -= 1
                case .grace:
                    logger.warning(
                        "invocations still running after the grace period are abandoned; they run again after a restart",
                        metadata: ["running": "\(queue.running)"])
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
    }

    /// Takes turns until the queue closes.
    private func work() async {
        while let id = await queue.next() {
            metrics.queueDepth.record(queue.depth)
            metrics.running.record(queue.running)
            var pending = false, invoked = false
            do {
                let info = try await runtime.store.sessionInfo(id)
                if handlers.serves(info.agent) {
                    switch try await runtime.advance(id, invocations: queue.streak(id)) {
                    case .settled:
                        break
                    case .stepped(let didInvoke, let spawned, let touched):
                        pending = true
                        invoked = didInvoke
                        for other in spawned + touched { queue.enqueue(other) }
                    }
                }
            } catch is CancellationError {
                queue.finish(id, pending: false, invoked: false)
                return
            } catch {
                // A store failure: the session is retried by the next scan.
                logger.error("driving a session failed; retrying on the next scan", metadata: ["session": "\(id)", "error": "\(error)"])
            }
            afterTurn(id)
            queue.finish(id, pending: pending, invoked: invoked)
            metrics.running.record(queue.running)
        }
    }

    /// Wakes due timers and queues pending sessions every poll interval, until the queue closes.
    private func scan() async {
        while !queue.isClosed, !Task.isCancelled {
            do {
                try await runtime.wakeDueTimers()
                for info in try await runtime.store.listSessions() where handlers.serves(info.agent) {
                    if queue.isClosed { return }
                    do {
                        let head = try await SessionLog(store: runtime.store).head(of: info.id)
                        if Runtime.isPending(head.last) { queue.enqueue(info.id) }
                    } catch let error as CairnError where error.isInfrastructure {
                        logger.error("cannot read a session's head; skipping it", metadata: ["session": "\(info.id)", "error": "\(error)"])
                    }
                }
                metrics.queueDepth.record(queue.depth)
            } catch is CancellationError {
                return
            } catch {
                logger.error("scan failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
