import Foundation

/// Maps the kinds of handler a configuration file can name (`command`, `rpc`, `agent_file`, ...)
/// to factories, the way ``StoreRegistry`` maps store URL schemes.
///
/// A configuration entry names exactly one kind key; its value and the entry's other keys arrive
/// in a ``HandlerSpec``. The `cairn serve` frontend registers the kinds it implements itself
/// (process and RPC handlers); the composition executable may register more (for example
/// in-process agent definitions) before handing the registry over.
public struct HandlerRegistry: Sendable {
    /// Builds a handler for one configuration entry.
    public typealias Factory = @Sendable (HandlerSpec) async throws -> any Handler

    private var factories: [String: Factory] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers (or replaces) the factory for the configuration key `kind`.
    public mutating func register(kind: String, factory: @escaping Factory) {
        factories[kind] = factory
    }

    /// The kinds this registry knows, sorted.
    public var kinds: [String] { factories.keys.sorted() }

    /// Whether `kind` is registered.
    public func knows(_ kind: String) -> Bool { factories[kind] != nil }

    /// Builds the handler `spec` describes.
    /// - Throws: `CairnError.invalidArgument` naming the known kinds if `spec.kind` is unknown;
    ///   whatever the factory throws.
    public func make(_ spec: HandlerSpec) async throws -> any Handler {
        guard let factory = factories[spec.kind] else {
            throw CairnError.invalidArgument(
                "handler for agent '\(spec.agent)': unknown handler kind '\(spec.kind)'; this build knows: \(kinds.joined(separator: ", "))")
        }
        return try await factory(spec)
    }
}

/// One handler entry of a configuration file: the agent it serves and what to run.
public struct HandlerSpec: Sendable, Hashable {
    /// The agent name the handler serves (`default` for the fallback handler).
    public var agent: String
    /// The key that selects the kind of handler, e.g. `command`, `rpc`, `agent_file`.
    public var kind: String
    /// That key's value (a command list, a path, ...).
    public var value: JSONValue
    /// The entry's other keys (`timeout`, `env`, `cwd`, ...), for the factory to interpret.
    public var options: [String: JSONValue]
    /// The folder relative paths in the entry are resolved against (the configuration file's).
    public var baseDirectory: String

    /// Creates a spec.
    public init(agent: String, kind: String, value: JSONValue, options: [String: JSONValue] = [:], baseDirectory: String) {
        self.agent = agent
        self.kind = kind
        self.value = value
        self.options = options
        self.baseDirectory = baseDirectory
    }

    /// `path` resolved against ``baseDirectory`` unless it is absolute.
    public func resolve(path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }
}
