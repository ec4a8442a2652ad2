import Foundation

/// What the components of one running assembly share, and what they must release when it stops:
/// one object server for every process handler, one live-event hub for every in-process agent,
/// a long-lived process to stop.
///
/// A frontend (`cairn serve`, a command) creates one, passes it to the factories it calls, and
/// calls ``shutdown()`` when it stops. Factories get shared services with
/// ``shared(_:make:shutdown:)`` and register clean-ups with ``onShutdown(_:)``.
public actor ComponentResources {
    private var services: [String: Task<any Sendable, any Error>] = [:]
    private var hooks: [@Sendable () async -> Void] = []
    private var stopped = false

    /// Creates an empty set of resources.
    public init() {}

    /// The service under `key`, made by `make` the first time it is asked for (concurrent first
    /// calls share one `make`); `shutdown` releases it when the resources shut down.
    /// - Throws: what `make` threw (a later call tries again); ``ComponentError`` if `key` holds
    ///   a value of another type or the resources already shut down.
    public func shared<T: Sendable>(
        _ key: String, make: @escaping @Sendable () async throws -> T, shutdown: @escaping @Sendable (T) async -> Void = { _ in }
    ) async throws -> T {
        guard !stopped else { throw ComponentError.invalid(key, "the components' resources have shut down") }
        let task: Task<any Sendable, any Error>
        if let existing = services[key] {
            task = existing
        } else {
            task = Task { try await make() }
            services[key] = task
            hooks.append {
                if let value = try? await task.value as? T { await shutdown(value) }
            }
        }
        do {
            guard let value = try await task.value as? T else {
                throw ComponentError.invalid(key, "the shared service is a \(type(of: try await task.value)), not a \(T.self)")
            }
            return value
        } catch let error as ComponentError {
            throw error
        } catch {
            if services[key] == task { services[key] = nil }
            throw error
        }
    }

    /// Runs `hook` when the resources shut down (hooks run last registered, first).
    public func onShutdown(_ hook: @escaping @Sendable () async -> Void) {
        hooks.append(hook)
    }

    /// Runs every clean-up once, last registered first; later calls do nothing.
    public func shutdown() async {
        guard !stopped else { return }
        stopped = true
        let pending = hooks.reversed()
        hooks = []
        for hook in pending { await hook() }
    }
}
