public import Foundation

/// Maps store URLs (`file:///var/cairn`, `memory://`, `sqlite:///...`) to store factories.
///
/// The `cairn` executable registers the stores it ships; a deployment with a third-party store
/// registers its own factory in a few lines and gets the same CLI and server.
public struct StoreRegistry: Sendable {
    /// Opens a store for a parsed URL; the flag says whether to create it if it does not exist yet.
    public typealias Factory = @Sendable (URL, _ create: Bool) throws -> any Store

    /// Opens work pools and a worker registry for a parsed URL.
    public typealias PoolFactory = @Sendable (URL) throws -> any WorkPool & WorkerRegistry

    private var factories: [String: Factory] = [:]
    private var summaries: [String: String] = [:]
    private var poolFactories: [String: PoolFactory] = [:]

    /// Creates a registry that knows `memory://` only.
    public init() {
        register(scheme: "memory", summary: "in memory, for tests (nothing persists)") { _, _ in MemoryStore() }
        registerPools(scheme: "memory") { _ in MemoryWorkPool() }
    }

    /// Registers (or replaces) the work pool factory for `scheme`.
    public mutating func registerPools(scheme: String, factory: @escaping PoolFactory) {
        poolFactories[scheme.lowercased()] = factory
    }

    /// Opens the work pools named by `text` (`sqlite:///var/cairn/cairn.db`).
    /// - Throws: `CairnError.unsupportedStore` naming the schemes that have work pools.
    public func openPools(_ text: String) throws -> any WorkPool & WorkerRegistry {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let factory = poolFactories[scheme] else {
            throw CairnError.unsupportedStore(
                "no work pools for '\(text)'; work pools live in: \(poolFactories.keys.sorted().map { "\($0)://..." }.joined(separator: ", "))")
        }
        return try factory(url)
    }

    /// Registers (or replaces) the factory for `scheme`, with a one-line summary for listings.
    public mutating func register(scheme: String, summary: String = "", factory: @escaping Factory) {
        factories[scheme.lowercased()] = factory
        summaries[scheme.lowercased()] = summary
    }

    /// The summary `scheme` was registered with ("" if none).
    public func summary(of scheme: String) -> String { summaries[scheme.lowercased()] ?? "" }

    /// The schemes this registry knows, sorted.
    public var schemes: [String] { factories.keys.sorted() }

    /// Opens the store named by `text`, creating it if `create` is true and it does not exist.
    /// - Throws: `CairnError.unsupportedStore` for an unparsable URL or unknown scheme; whatever the factory throws
    ///   (for a missing store that is not to be created, an error naming it).
    public func open(_ text: String, create: Bool = true) throws -> any Store {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw CairnError.unsupportedStore("'\(text)' is not a store URL; use one of: \(schemes.map { "\($0)://..." }.joined(separator: ", "))")
        }
        guard let factory = factories[scheme] else {
            throw CairnError.unsupportedStore("no store for scheme '\(scheme)' in '\(text)'; known: \(schemes.joined(separator: ", "))")
        }
        return try factory(url, create)
    }
}
