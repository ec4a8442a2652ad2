import Foundation

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
