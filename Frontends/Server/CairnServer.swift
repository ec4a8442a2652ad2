public import CairnCore
public import CairnProcesses
import CairnTriggers
import Foundation
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `cairn serve`: the runtime as a service with an HTTP API (Docs/http-api.md).
///
/// One `ServiceGroup` runs the ``SessionDriver`` and the Hummingbird application. On SIGTERM or
/// SIGINT (or ``shutdown()``), open streams end, the HTTP server stops taking requests and finishes
/// the ones in flight, then the driver lets running invocations finish within the grace period.
public final class CairnServer: Sendable {
    /// The configuration it runs with.
    public let configuration: ServerConfiguration
    /// Every route the API answers (built-in and from extensions).
    public let routes: [RouteTable.Route]
    /// What route handlers and extensions work with.
    public let services: APIServices
    /// The agent processes (`/api/v1`).
    public let processes: ProcessService
    private let application: Application<RouterResponder<CairnRequestContext>>
    private let group: ServiceGroup
    private let resources: ComponentResources

    /// Builds the server: checks the security rules and creates the configured handlers through
    /// the handler kinds of `components`.
    /// - Parameters:
    ///   - store: the store (the configuration's `store` key is the caller's to open).
    ///   - components: the handler kinds entries may name (`command`, `rpc`, `agent_file`, ...).
    ///   - resources: what the handlers share (an object server, the agent runs); shut down
    ///     when the server stops. The agent-run routes use its ``AgentRuns``.
    ///   - extensions: more routes.
    ///   - signals: whether SIGTERM and SIGINT shut the server down gracefully.
    ///   - onListening: called with the host and the bound port once the server listens.
    /// - Throws: ``ServerError/tokenRequired(host:)`` beyond loopback without a token; handler
    ///   configuration errors (``ComponentError``).
    public init(
        configuration: ServerConfiguration, store: any Store, components: Components = Components(),
        resources: ComponentResources = ComponentResources(), extensions extraExtensions: [any ServerExtension] = [], signals: Bool = true,
        logger: Logger = Logger(label: "cairn.server"),
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) async throws {
        if configuration.token == nil, !ServerConfiguration.isLoopback(configuration.host) {
            throw ServerError.tokenRequired(host: configuration.host)
        }
        self.configuration = configuration
        let metrics = ServerMetrics()
        let feed = ChangeFeed()
        let observed = ObservedStore(base: store, feed: feed, metrics: metrics)

        var handlers: [String: any Handler] = [:]
        let extensions: [any ServerExtension]
        do {
            for spec in configuration.handlers {
                handlers[spec.agent] = try await components.make(
                    .handler, spec.kind,
                    HandlerConfiguration(spec: spec, resources: resources, components: components))
            }
            extensions = [try await AgentRuns.shared(in: resources)] + extraExtensions
        } catch {
            await resources.shutdown()
            throw error
        }
        self.resources = resources

        let triggers = TriggerService(
            store: observed, components: components, configured: configuration.triggers, resources: resources,
            logger: logger, pollInterval: configuration.pollInterval)
        do {
            try await triggers.prepare()
        } catch {
            await resources.shutdown()
            throw error
        }
        let processes = ProcessService(store: observed, components: components, triggers: triggers, logger: logger)
        self.processes = processes
        let agents = AgentHandlers(handlers: handlers, metrics: metrics)
        let runtime = Runtime(
            store: observed, handler: agents,
            options: RuntimeOptions(maxInvocations: configuration.maxInvocations, pollInterval: configuration.pollInterval, source: "runtime"),
            logger: logger)
        let driver = SessionDriver(
            runtime: runtime, handlers: agents, concurrency: configuration.concurrency,
            pollInterval: configuration.pollInterval, shutdownGrace: configuration.shutdownGrace, metrics: metrics, logger: logger,
            afterTurn: { session in for item in extensions { item.turnEnded(session) } })
        let stopping = ShutdownFlag()
        let services = APIServices(
            store: observed, sessions: Sessions(store: observed), driver: driver, triggers: triggers, bodyLimit: configuration.bodyLimit,
            pollInterval: configuration.pollInterval, keepAlive: configuration.keepAlive, logger: logger, metrics: metrics,
            feed: feed, stopping: stopping)
        self.services = services

        let router = Router(context: CairnRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: IngressMiddleware(lookup: { triggers.ingress(for: $0) }, recorded: { driver.notify($0) }))
        router.add(middleware: BearerAuthMiddleware(token: configuration.token, openPaths: SystemRoutes.openPaths.union(["/api/v1/health"])))
        let table = RouteTable(router: router)
        SystemRoutes.register(table, services)
        SessionRoutes.register(table, services)
        EntryRoutes.register(table, services)
        StreamRoutes.register(table, services)
        TriggerRoutes.register(table, services)
        ProcessRoutes.register(table, processes)
        for item in extensions { try item.addRoutes(to: table, services: services) }
        routes = table.routes

        let host = configuration.host
        application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port), serverName: "cairn"),
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? configuration.port) },
            logger: logger)
        var ingressApplications: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for ingress in await triggers.ownPortIngresses() {
            guard let port = ingress.port else { continue }
            let ingressRouter = Router(context: CairnRequestContext.self)
            ingressRouter.add(middleware: IngressMiddleware(lookup: { $0 == ingress.path ? ingress : nil }, recorded: { driver.notify($0) }))
            let listening = ingress.path
            ingressApplications.append(
                .init(
                    service: Application(
                        router: ingressRouter,
                        configuration: ApplicationConfiguration(address: .hostname(ingress.host ?? host, port: port), serverName: "cairn"),
                        onServerRunning: { channel in
                            logger.notice("webhook listening", metadata: ["path": "\(listening)", "port": "\(channel.localAddress?.port ?? port)"])
                        },
                        logger: logger)))
        }
        let ingressHost = OwnPortIngressHost(defaultHost: host, logger: logger, recorded: { driver.notify($0) })
        await triggers.setIngressHost(ingressHost)
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: driver),
                    .init(service: TriggerRunner(service: triggers)),
                    .init(service: ingressHost),
                    .init(service: ProcessRunner(service: processes, manifests: configuration.manifests, logger: logger)),
                ] + ingressApplications + [
                    .init(service: application),
                    .init(service: ShutdownWatcher(flag: stopping), successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
                logger: logger))
    }

    /// Serves until a graceful shutdown finishes, then stops the handlers.
    /// - Throws: errors binding the address or from a service.
    public func run() async throws {
        do {
            try await group.run()
        } catch let error as IOError {
            await resources.shutdown()
            throw Self.listenError(error, host: configuration.host, port: configuration.port)
        } catch {
            await resources.shutdown()
            throw error
        }
        await resources.shutdown()
    }

    /// A bind failure in words that say what to do (NIO's says `bind(descriptor:ptr:bytes:)`).
    static func listenError(_ error: IOError, host: String, port: Int) -> any Error {
        switch error.errnoCode {
        case EADDRINUSE:
            ServerError.cannotListen(
                host: host, port: port,
                reason: "the address is in use (another cairn serve, or a webhook trigger's port?); stop that server, or pass --port (0 picks a free one)")
        case EACCES:
            ServerError.cannotListen(host: host, port: port, reason: "permission denied (ports below 1024 need privileges); pass --port 1024 or above")
        case EADDRNOTAVAIL:
            ServerError.cannotListen(host: host, port: port, reason: "\(host) is not an address of this machine; pass --host 127.0.0.1 or 0.0.0.0")
        default:
            error
        }
    }

    /// Stops the handlers (and what they share) of a server that is not going to ``run()``.
    public func close() async {
        await resources.shutdown()
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }
}

/// Runs the triggers until a graceful shutdown starts.
struct TriggerRunner: Service {
    let service: TriggerService

    func run() async throws {
        try await cancelWhenGracefulShutdown { await service.run() }
    }
}

/// Loads the agent processes, then dispatches their runs until a graceful shutdown starts.
/// Then the manifests given to the server are applied, each once; one that cannot be applied
/// stops the server with its error.
struct ProcessRunner: Service {
    let service: ProcessService
    let manifests: [ProcessManifest]
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do { try await service.load() } catch { logger.error("loading the agent processes failed: \(error)") }
            for manifest in manifests {
                do {
                    let outcome = try await service.apply(manifest)
                    logger.notice("agent process \(outcome.rawValue)", metadata: ["process": "\(manifest.name)"])
                } catch {
                    logger.critical("agent process '\(manifest.name)' from its manifest: \(error)")
                    throw ServerError.configuration("agent process '\(manifest.name)': \(error)")
                }
            }
            await service.run()
        }
    }
}

/// Sets the shutdown flag when a graceful shutdown starts; it is the last service, so the first
/// told, and open streams end before the HTTP server waits for them.
struct ShutdownWatcher: Service {
    let flag: ShutdownFlag

    func run() async throws {
        try? await gracefulShutdown()
        flag.set()
    }
}
