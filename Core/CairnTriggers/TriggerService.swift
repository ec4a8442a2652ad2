public import CairnCore
public import Foundation
public import Logging
import Synchronization

/// Runs a store's triggers: those of the configuration file and those added at runtime (kept in
/// the ``TriggerRegistry``, which it polls so that every node runs the same set).
///
/// Each trigger runs in its own task: it first delivers fires a crash left recorded but not
/// pushed, then produces fires until it is removed or the service stops; a trigger that fails is
/// run again after a backoff (1 s doubling to 1 min) and its error is its status. Every few
/// seconds, and when it stops, each trigger's fire log gets a checkpoint.
public actor TriggerService {
    private final class Instance: Sendable {
        let definition: TriggerDefinition
        let trigger: any Trigger
        let context: TriggerContext
        let ingress: TriggerIngress?
        let state = Mutex(TriggerStatus.State.starting)
        let task = Mutex<Task<Void, Never>?>(nil)
        let listener = Mutex<(any IngressListener)?>(nil)

        init(definition: TriggerDefinition, trigger: any Trigger, context: TriggerContext) {
            self.definition = definition
            self.trigger = trigger
            self.context = context
            self.ingress = trigger.ingress(context)
        }
    }

    /// The store fires are recorded in.
    public let store: any Store
    /// The triggers of the configuration file.
    public let configured: [TriggerDefinition]
    /// The registry of triggers added at runtime.
    public let registry: TriggerRegistry
    private let components: Components
    private let clock: any TriggerClock
    private let resources: ComponentResources
    private let logger: Logger
    private let pollInterval: Duration
    private let checkpointInterval: TimeInterval
    private let environment: [String: String]
    private var instances: [String: Instance] = [:]
    private var observers: [String: FireObserver] = [:]
    private var ingressHost: (any IngressHost)?
    private var registryVersion = -1
    private var running = false
    private let ingressTable = Mutex<[String: TriggerIngress]>([:])

    /// Creates a service; ``prepare()`` checks the configured triggers.
    /// - Parameters:
    ///   - components: the trigger kinds a definition may name.
    ///   - pollInterval: how often the registry is read for triggers other nodes added or removed.
    ///   - checkpointInterval: how often, in seconds, fire logs get a checkpoint.
    public init(
        store: any Store, components: Components, configured: [TriggerDefinition], clock: any TriggerClock = SystemTriggerClock(),
        resources: ComponentResources = ComponentResources(), logger: Logger = Logger(label: "cairn.triggers"),
        pollInterval: Duration = .seconds(1), checkpointInterval: TimeInterval = 10,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.store = store
        self.components = components
        self.configured = configured
        self.registry = TriggerRegistry(store: store, clock: clock)
        self.clock = clock
        self.resources = resources
        self.logger = logger
        self.pollInterval = pollInterval
        self.checkpointInterval = checkpointInterval
        self.environment = environment
    }

    /// Creates every configured trigger and those in the registry, without running them: a bad
    /// configured trigger is refused here, before anything runs.
    /// - Throws: ``TriggerError``, ``ComponentError`` naming the trigger and the key; store errors.
    public func prepare() async throws {
        var seen = Set<String>()
        for definition in configured {
            guard seen.insert(definition.name).inserted else { throw TriggerError.exists(definition.name) }
            try await install(try await makeInstance(definition))
        }
        try await reconcile()
    }

    /// The endpoint serving `path`, if a trigger serves it on the server's port.
    public nonisolated func ingress(for path: String) -> TriggerIngress? {
        ingressTable.withLock { $0[path] }
    }

    /// The endpoints that want their own port (configured triggers only).
    public func ownPortIngresses() -> [TriggerIngress] {
        instances.values.compactMap(\.ingress).filter { $0.port != nil }
    }

    /// Runs the triggers until the task is cancelled, then stops them and checkpoints their logs.
    public func run() async {
        running = true
        for instance in instances.values { start(instance) }
        while !Task.isCancelled {
            do { try await Task.sleep(for: pollInterval) } catch { break }
            do { try await reconcile() } catch is CancellationError { break } catch {
                logger.error("cannot read the trigger registry; retrying", metadata: ["error": "\(error)"])
            }
        }
        running = false
        for instance in instances.values { await stop(instance) }
    }

    /// Adds a trigger at runtime: creates it (so a bad one is refused), keeps it in the registry,
    /// and starts it if the service runs.
    /// - Throws: ``TriggerError/exists(_:)``, ``TriggerError/invalid(_:)``, ``ComponentError``; store errors.
    public func add(_ definition: TriggerDefinition) async throws -> TriggerStatus {
        var definition = definition
        definition.origin = .dynamic
        if instances[definition.name] != nil { throw TriggerError.exists(definition.name) }
        let instance = try await makeInstance(definition)
        if instance.ingress?.port != nil {
            throw TriggerError.invalid(
                "triggers.\(definition.name): a trigger added at runtime is served on the server's port; remove its port option, or configure it in the file")
        }
        try checkPath(instance)
        try await registry.add(definition)
        try await install(instance)
        return await status(of: instance)
    }

    /// Removes a trigger added at runtime and stops it.
    /// - Throws: ``TriggerError/configured(_:)`` for a configured one, ``TriggerError/notFound(_:known:)``; store errors.
    public func remove(_ name: String) async throws {
        if configured.contains(where: { $0.name == name }) { throw TriggerError.configured(name) }
        try await registry.remove(name)
        if let instance = instances.removeValue(forKey: name) { await uninstall(instance) }
    }

    /// Serves owned triggers that want their own port through `host` (set by the frontend before
    /// owners attach such triggers).
    public func setIngressHost(_ host: any IngressHost) {
        ingressHost = host
    }

    /// Attaches a trigger its owner keeps (an agent process's): creates it, serves its endpoint
    /// (on the server's port, or on its own through the ``IngressHost``, listening before this
    /// returns) and starts it if the service runs. `observer` hears of each fire delivered.
    /// - Throws: ``TriggerError/exists(_:)``, ``TriggerError/invalid(_:)`` (a path in use, no
    ///   ingress host for a port of its own, an address that cannot be bound), ``ComponentError``.
    public func attach(_ definition: TriggerDefinition, observer: FireObserver? = nil) async throws -> TriggerStatus {
        var definition = definition
        definition.origin = .owned
        if instances[definition.name] != nil { throw TriggerError.exists(definition.name) }
        if let observer { observers[definition.name] = observer }
        let instance: Instance
        do { instance = try await makeInstance(definition) } catch {
            observers[definition.name] = nil
            throw error
        }
        if let ingress = instance.ingress, ingress.port != nil {
            guard let ingressHost else {
                observers[definition.name] = nil
                throw TriggerError.invalid("triggers.\(definition.name): nothing serves endpoints on their own port here; remove webhook_port")
            }
            do {
                instance.listener.withLock { $0 = nil }
                let listener = try await ingressHost.open(ingress)
                instance.listener.withLock { $0 = listener }
            } catch {
                observers[definition.name] = nil
                throw TriggerError.invalid("triggers.\(definition.name): \(error)")
            }
        }
        do { try await install(instance) } catch {
            observers[definition.name] = nil
            await uninstall(instance)
            throw error
        }
        return await status(of: instance)
    }

    /// Checks a definition as ``attach(_:observer:)`` would (its filter and the kind's options)
    /// without creating or starting anything.
    /// - Throws: ``TriggerError/invalid(_:)``, ``ComponentError``.
    public func validate(_ definition: TriggerDefinition) async throws {
        do { _ = try definition.filter.map { try FilterExpression($0) } } catch {
            throw TriggerError.invalid("triggers.\(definition.name).filter_expression: \(error)")
        }
        let configuration = TriggerConfiguration(definition: definition, store: store, resources: resources, environment: environment)
        _ = try await components.make(.trigger, definition.kind, configuration)
    }

    /// Detaches an owned trigger: stops it and its endpoint. Nothing happens for an unknown name.
    public func detach(_ name: String) async {
        guard let instance = instances[name], instance.definition.origin == .owned else { return }
        instances[name] = nil
        observers[name] = nil
        await uninstall(instance)
    }

    /// Fires trigger `name` by hand with `payload` (an operator's `cairn trigger fire`).
    /// - Parameter id: the fire id (default: a new UUID), so a retried call can be idempotent.
    /// - Throws: ``TriggerError/notFound(_:known:)``; store errors.
    public func fire(_ name: String, payload: Data, contentType: String, id: String? = nil) async throws -> FireOutcome {
        guard let instance = instances[name] else { throw TriggerError.notFound(name, known: instances.keys.sorted()) }
        let fire = TriggerFire(
            id: id ?? "manual-\(UUID().uuidString.lowercased())", time: clock.now(), payload: payload, contentType: contentType,
            metadata: ["manual": "true"])
        return try await instance.context.fire(fire)
    }

    /// The status of every trigger, configured first, then by name.
    public func statuses() async -> [TriggerStatus] {
        var result: [TriggerStatus] = []
        let ordered = instances.values.sorted {
            ($0.definition.origin == .config ? 0 : 1, $0.definition.name) < ($1.definition.origin == .config ? 0 : 1, $1.definition.name)
        }
        for instance in ordered { result.append(await status(of: instance)) }
        return result
    }

    /// The status of trigger `name`.
    /// - Throws: ``TriggerError/notFound(_:known:)``.
    public func status(_ name: String) async throws -> TriggerStatus {
        guard let instance = instances[name] else { throw TriggerError.notFound(name, known: instances.keys.sorted()) }
        return await status(of: instance)
    }

    private func status(of instance: Instance) async -> TriggerStatus {
        let summary = await instance.context.log.summary
        let state = running ? instance.state.withLock { $0 } : .stopped
        return TriggerStatus(
            definition: instance.definition, state: state, lastFire: summary.lastFire,
            nextFire: instance.trigger.nextFire(after: summary.lastFire?.time, created: await instance.context.log.created, now: clock.now()),
            fireCount: summary.fireCount,
            lastError: summary.lastError, path: instance.ingress.map(\.path))
    }

    private func makeInstance(_ definition: TriggerDefinition) async throws -> Instance {
        let filter: FilterExpression?
        do { filter = try definition.filter.map { try FilterExpression($0) } } catch {
            throw TriggerError.invalid("triggers.\(definition.name).filter_expression: \(error)")
        }
        let configuration = TriggerConfiguration(definition: definition, store: store, resources: resources, environment: environment)
        let trigger = try await components.make(.trigger, definition.kind, configuration)
        let log = try await FireLog(trigger: definition.name, store: store, clock: clock)
        let context = TriggerContext(
            definition: definition, clock: clock, store: store, log: log, filter: filter,
            logger: logger, observer: observers[definition.name])
        return Instance(definition: definition, trigger: trigger, context: context)
    }

    private func checkPath(_ instance: Instance) throws {
        guard let ingress = instance.ingress, ingress.port == nil else { return }
        if let other = instances.values.first(where: {
            $0.definition.name != instance.definition.name && $0.ingress?.path == ingress.path && $0.ingress?.port == nil
        }) {
            throw TriggerError.invalid(
                "triggers.\(instance.definition.name): path \(ingress.path) is served by trigger \(other.definition.name); choose another path")
        }
    }

    private func install(_ instance: Instance) async throws {
        try checkPath(instance)
        instances[instance.definition.name] = instance
        if let ingress = instance.ingress, ingress.port == nil {
            ingressTable.withLock { $0[ingress.path] = ingress }
        }
        if running { start(instance) }
    }

    private func uninstall(_ instance: Instance) async {
        if let ingress = instance.ingress, ingress.port == nil {
            ingressTable.withLock { $0[ingress.path] = nil }
        }
        let listener = instance.listener.withLock { listener -> (any IngressListener)? in
            defer { listener = nil }
            return listener
        }
        await listener?.close()
        await stop(instance)
    }

    /// Starts and stops dynamic triggers to match the registry.
    private func reconcile() async throws {
        let version = try await registry.version()
        guard version != registryVersion else { return }
        let (definitions, read) = try await registry.definitions()
        let wanted = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        for (name, instance) in instances where instance.definition.origin == .dynamic && wanted[name] != instance.definition {
            instances[name] = nil
            await uninstall(instance)
        }
        for definition in definitions where instances[definition.name] == nil {
            if configured.contains(where: { $0.name == definition.name }) {
                logger.warning(
                    "a trigger added at runtime has the name of a configured one; the configured one runs", metadata: ["trigger": "\(definition.name)"])
                continue
            }
            do {
                try await install(try await makeInstance(definition))
            } catch {
                logger.error("cannot start a trigger added at runtime", metadata: ["trigger": "\(definition.name)", "error": "\(error)"])
            }
        }
        registryVersion = read
    }

    private func start(_ instance: Instance) {
        let clock = clock, interval = checkpointInterval
        instance.task.withLock { task in
            guard task == nil else { return }
            task = Task { await Self.drive(instance, clock: clock, checkpointInterval: interval) }
        }
    }

    private func stop(_ instance: Instance) async {
        let task = instance.task.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    /// One trigger's life: recovery, then its run loop beside a periodic checkpoint, until cancelled.
    private static func drive(_ instance: Instance, clock: any TriggerClock, checkpointInterval: TimeInterval) async {
        let context = instance.context
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var backoff: TimeInterval = 1
                while !Task.isCancelled {
                    do {
                        try await context.checkpoint()
                        instance.state.withLock { $0 = .running }
                        try await instance.trigger.run(context)
                        return
                    } catch is CancellationError {
                        return
                    } catch {
                        if Task.isCancelled { return }
                        instance.state.withLock { $0 = .failed }
                        await context.report(error)
                        do { try await clock.sleep(until: clock.now().addingTimeInterval(backoff)) } catch { return }
                        backoff = min(backoff * 2, 60)
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await clock.sleep(until: clock.now().addingTimeInterval(checkpointInterval)) } catch { return }
                    do { try await context.checkpoint() } catch {
                        context.logger.error("cannot checkpoint a fire log", metadata: ["trigger": "\(context.name)", "error": "\(error)"])
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        do { try await context.checkpoint() } catch {
            context.logger.warning("cannot checkpoint a fire log at stop", metadata: ["trigger": "\(context.name)", "error": "\(error)"])
        }
    }
}
