import CairnCore
import CairnTriggers
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Serves trigger endpoints that want a port of their own (a process's webhook with
/// `webhook_port`), opened and closed while the server runs: each gets its own Hummingbird
/// application, run as a child task of ``run()``. ``open(_:)`` returns once the port listens.
final class OwnPortIngressHost: IngressHost, Service {
    private struct Opening: Sendable {
        let group: ServiceGroup
        let failed: @Sendable (any Error) -> Void
    }

    private let logger: Logger
    private let defaultHost: String
    private let recorded: @Sendable (SessionID) -> Void
    private let openings: AsyncStream<Opening>
    private let submit: AsyncStream<Opening>.Continuation

    init(defaultHost: String, logger: Logger, recorded: @escaping @Sendable (SessionID) -> Void) {
        self.defaultHost = defaultHost
        self.logger = logger
        self.recorded = recorded
        (openings, submit) = AsyncStream.makeStream(of: Opening.self)
    }

    /// Runs the opened applications until a graceful shutdown.
    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [submit] in
                try? await gracefulShutdown()
                submit.finish()
            }
            for await opening in openings {
                group.addTask {
                    do { try await opening.group.run() } catch { opening.failed(error) }
                }
            }
            group.cancelAll()
        }
    }

    func open(_ ingress: TriggerIngress) async throws -> any IngressListener {
        guard let port = ingress.port else { throw TriggerError.invalid("the endpoint \(ingress.path) has no port of its own") }
        let router = Router(context: CairnRequestContext.self)
        router.add(middleware: IngressMiddleware(lookup: { $0 == ingress.path ? ingress : nil }, recorded: recorded))
        let outcome = Outcome()
        let host = ingress.host ?? defaultHost
        let logger = self.logger
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "cairn"),
            onServerRunning: { channel in
                logger.notice("webhook listening", metadata: ["path": "\(ingress.path)", "port": "\(channel.localAddress?.port ?? port)"])
                outcome.finish(nil)
            }, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
        submit.yield(Opening(group: group, failed: { outcome.finish($0) }))
        if let error = await outcome.wait() {
            throw TriggerError.invalid("cannot listen on \(host):\(port): \(error)")
        }
        return Listener(group: group)
    }

    private struct Listener: IngressListener {
        let group: ServiceGroup
        func close() async { await group.triggerGracefulShutdown() }
    }

    /// A one-time result: the first `finish` wins; `wait` returns it.
    private final class Outcome: Sendable {
        private let state = Mutex<(done: Bool, error: (any Error)?, waiter: CheckedContinuation<(any Error)?, Never>?)>((false, nil, nil))

        func finish(_ error: (any Error)?) {
            let waiter = state.withLock { state -> CheckedContinuation<(any Error)?, Never>? in
                guard !state.done else { return nil }
                state.done = true
                state.error = error
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: error)
        }

        func wait() async -> (any Error)? {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> (Bool, (any Error)?) in
                    if state.done { return (true, state.error) }
                    state.waiter = continuation
                    return (false, nil)
                }
                if ready.0 { continuation.resume(returning: ready.1) }
            }
        }
    }
}
