import Foundation

/// A seam components plug into: model providers, tools, handler kinds, and the seams other
/// targets declare (trigger kinds, frontends, ...). `Configuration` is what a factory receives,
/// `Component` what it returns.
///
/// Declare a seam once, as a static constant, and register and resolve through it:
///
/// ```swift
/// extension Seam where Configuration == TriggerConfiguration, Component == any TriggerSource {
///     public static var trigger: Self { Seam("trigger kind") }
/// }
/// ```
public struct Seam<Configuration: Sendable, Component: Sendable>: Sendable, Hashable {
    /// What the seam is called in messages ("model provider"); also its identity.
    public let name: String

    /// Creates a seam named `name`.
    public init(_ name: String) {
        self.name = name
    }
}

/// The registry of everything a build can assemble: stores by URL scheme, and for every other
/// seam (model providers, tools, handler kinds, ...) a factory per name.
///
/// A composition executable creates one, lets each adapter target register its components, and
/// hands it to the frontends, which resolve every name a configuration file uses through it and
/// nothing else. A factory receives its configuration node and returns the component or a
/// ``ComponentError`` naming what is wrong; an unknown name is an error listing the names this
/// registry knows. Registries are values: registering into a copy does not change the original.
public struct Components: Sendable {
    /// One registered factory.
    struct Registration: Sendable {
        let summary: String
        let factory: any Sendable
    }

    /// Store and work-pool factories by URL scheme.
    public var stores: StoreRegistry
    private var registrations: [String: [String: Registration]] = [:]

    /// A registry with the components Core itself has: the `memory://` store and work pools, and
    /// the `scripted` model provider.
    public init() {
        stores = StoreRegistry()
        register(.modelProvider, "scripted", summary: "plays back model turns from a JSON file (demos, tests)", ScriptedProvider.configured)
    }

    /// Registers (or replaces) the factory of `name` in `seam`.
    /// - Parameter summary: one line for listings (`cairn components`).
    public mutating func register<Configuration, Component>(
        _ seam: Seam<Configuration, Component>, _ name: String, summary: String = "",
        _ factory: @escaping @Sendable (Configuration) async throws -> Component
    ) {
        registrations[seam.name, default: [:]][name] = Registration(summary: summary, factory: factory)
    }

    /// The names registered in `seam`, sorted.
    public func names<Configuration, Component>(_ seam: Seam<Configuration, Component>) -> [String] {
        (registrations[seam.name] ?? [:]).keys.sorted()
    }

    /// Whether `name` is registered in `seam`.
    public func knows<Configuration, Component>(_ seam: Seam<Configuration, Component>, _ name: String) -> Bool {
        registrations[seam.name]?[name] != nil
    }

    /// Builds the component `name` of `seam` from `configuration`.
    /// - Throws: ``ComponentError/unknown(seam:name:known:)`` if `name` is not registered;
    ///   whatever the factory throws (a ``ComponentError/invalid(_:_:)`` for bad configuration).
    public func make<Configuration, Component>(
        _ seam: Seam<Configuration, Component>, _ name: String, _ configuration: Configuration
    ) async throws -> Component {
        guard let registration = registrations[seam.name]?[name] else {
            throw ComponentError.unknown(seam: seam.name, name: name, known: names(seam))
        }
        guard let factory = registration.factory as? @Sendable (Configuration) async throws -> Component else {
            throw ComponentError.invalid(seam.name, "'\(name)' was registered with another configuration type for this seam")
        }
        return try await factory(configuration)
    }

    /// Every registered component: seam, name and summary, sorted by seam then name; stores are
    /// listed as the seam `store` with their URL schemes.
    public var catalog: [(seam: String, name: String, summary: String)] {
        var rows = stores.schemes.map { (seam: "store", name: $0 + "://", summary: stores.summary(of: $0)) }
        for (seam, entries) in registrations.sorted(by: { $0.key < $1.key }) {
            rows += entries.sorted(by: { $0.key < $1.key }).map { (seam: seam, name: $0.key, summary: $0.value.summary) }
        }
        return rows
    }
}

/// Why a component could not be built.
public enum ComponentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No component of this name is registered in the seam.
    case unknown(seam: String, name: String, known: [String])
    /// The configuration at `location` is wrong; the message says how.
    case invalid(_ location: String, _ message: String)

    public var description: String {
        switch self {
        case .unknown(let seam, let name, let known):
            "unknown \(seam) '\(name)'; this build has: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .invalid(let location, let message):
            location.isEmpty ? message : "\(location): \(message)"
        }
    }
}
