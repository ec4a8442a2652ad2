public import CairnCore
public import Foundation
import Yams

/// What the operator decides when loading agent files, rather than the file's author: the
/// providers and tools the build offers, the hosts HTTP tools may reach (the file can only
/// narrow them), where daily usage is kept, where escalations go, and who watches the run live.
public struct AgentFileOptions: Sendable {
    /// The components providers and tools are resolved through (`model.provider`, `tools:`).
    public var components: Components
    /// The operator's allowed hosts (empty: HTTP tools may reach nothing).
    public var allowedHosts: HostAllowlist
    /// The folder of the usage ledger for daily budgets (nil: daily limits see only the current run).
    public var ledgerFolder: String?
    /// Where escalations go.
    public var notifier: any EscalationNotifier
    /// Receives the run's live events (not passed to sub-agents).
    public var observer: AgentObserver
    /// The environment secrets and API keys are read from.
    public var environment: [String: String]

    /// Creates options.
    public init(
        components: Components = Components(), allowedHosts: HostAllowlist = .denyAll, ledgerFolder: String? = nil,
        notifier: any EscalationNotifier = LogEscalationNotifier(), observer: @escaping AgentObserver = { _, _ in },
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.components = components
        self.allowedHosts = allowedHosts
        self.ledgerFolder = ledgerFolder
        self.notifier = notifier
        self.observer = observer
        self.environment = environment
    }
}

/// Agent files: YAML that defines an agent (name, instructions, model, tools, skills, sub-agents,
/// budget, health, secrets, allowed hosts). Paths in a file are relative to the file's folder.
public enum AgentFile {
    /// Loads the agent defined in the file at `path`.
    /// - Throws: `CairnError.invalidArgument` naming the file and what is wrong in it (unknown
    ///   keys, missing or mistyped values, providers or tools the options' components do not have,
    ///   unset environment variables).
    public static func load(_ path: String, options: AgentFileOptions = AgentFileOptions()) async throws -> AgentDefinition {
        try await load(path, options: options, depth: 0)
    }

    static func load(_ path: String, options: AgentFileOptions, depth: Int) async throws -> AgentDefinition {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard depth < 8 else { throw CairnError.invalidArgument("\(url.path): sub-agents nest more than 8 deep (does a file include itself?)") }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CairnError.invalidArgument("cannot read the agent file \(url.path)")
        }
        let spec = try parse(String(decoding: data, as: UTF8.self), file: url.path)
        return try await AgentBuilder(file: url.path, base: url.deletingLastPathComponent(), options: options, depth: depth).build(spec)
    }

    /// Parses an agent file's text, naming unknown keys and type errors by their path.
    static func parse(_ text: String, file: String) throws -> AgentFileSpec {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw CairnError.invalidArgument("\(file) is not valid YAML: \(error)") }
        guard let node, node.mapping != nil else { throw CairnError.invalidArgument("\(file) must be a YAML mapping with at least name and model") }
        try checkKeys(node, path: "", file: file)
        do {
            return try YAMLDecoder().decode(AgentFileSpec.self, from: text)
        } catch let error as DecodingError {
            throw CairnError.invalidArgument("\(file): \(describe(error))")
        } catch {
            throw CairnError.invalidArgument("\(file): \(error)")
        }
    }

    /// Rejects keys the schema does not know, so a typo is an error rather than a silent default.
    static func checkKeys(_ node: Node, path: String, file: String) throws {
        if let mapping = node.mapping {
            if let allowed = AgentFileSpec.schema[path] {
                for key in mapping.keys.compactMap(\.string) where !allowed.contains(key) {
                    throw CairnError.invalidArgument(
                        "\(file): unknown key '\(key)' in \(path.isEmpty ? "the top level" : path); expected one of \(allowed.sorted().joined(separator: ", "))"
                    )
                }
            }
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let child = AgentFileSpec.schema[path + ".*"] != nil ? path + ".*" : (path.isEmpty ? name : path + "." + name)
                try checkKeys(value, path: child, file: file)
            }
        } else if let sequence = node.sequence {
            for item in sequence {
                if path == "agents", let mapping = item.mapping, mapping.keys.compactMap(\.string) != ["file"] {
                    try checkKeys(item, path: "", file: file)  // an inline sub-agent
                } else {
                    try checkKeys(item, path: path + "[]", file: file)
                }
            }
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the top level" : path
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' in \(at(context))"
        case .typeMismatch(let type, let context): return "\(at(context)) should be \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context): return "\(at(context)) needs a value of type \(type)"
        case .dataCorrupted(let context): return "\(at(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
