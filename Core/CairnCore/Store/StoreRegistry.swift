import Foundation

/// Maps store URLs (`file:///var/cairn`, `memory://`, `sqlite:///...`) to store factories.
///
/// The `cairn` executable registers the stores it ships; a deployment with a third-party store
/// registers its own factory in a few lines and gets the same CLI and server.
public struct StoreRegistry: Sendable {
    /// Opens a store for a parsed URL.
    public typealias Factory = @Sendable (URL) throws -> any Store

    private var factories: [String: Factory] = [:]

    /// Creates a registry that knows `memory://` only.
    public init() {
        register(scheme: "memory") { _ in MemoryStore() }
    }

    /// Registers (or replaces) the factory for `scheme`.
    public mutating func register(scheme: String, factory: @escaping Factory) {
        factories[scheme.lowercased()] = factory
    }

    /// The schemes this registry knows, sorted.
    public var schemes: [String] { factories.keys.sorted() }

    /// Opens the store named by `text`.
    /// - Throws: `CairnError.unsupportedStore` for an unparsable URL or unknown scheme; whatever the factory throws.
    public func open(_ text: String) throws -> any Store {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            throw CairnError.unsupportedStore("'\(text)' is not a store URL; use one of: \(schemes.map { "\($0)://..." }.joined(separator: ", "))")
        }
        guard let factory = factories[scheme] else {
            throw CairnError.unsupportedStore("no store for scheme '\(scheme)' in '\(text)'; known: \(schemes.joined(separator: ", "))")
        }
        return try factory(url)
    }
}
