import CairnAgentFile
import CairnCore
import CairnServer
import Foundation

/// The `agent_file` handler kind of `cairn serve`: sessions of an agent are served in process by
/// the agent an agent file defines, with the live events and cancellation of ``AgentRuns``.
///
/// ```yaml
/// handlers:
///   assistant:
///     agent_file: agents/assistant.yaml
///     allowed_hosts: [api.example.com]   # the operator's list for http_get (default: none)
///     usage_folder: .cairn/usage          # the daily usage ledger (default; relative to this file)
/// ```
enum AgentFileHandlers {
    static let options: Set<String> = ["allowed_hosts", "usage_folder"]

    static func register(into kinds: inout HandlerRegistry, runs: AgentRuns) {
        guard !kinds.knows("agent_file") else { return }
        kinds.register(kind: "agent_file") { spec in
            let entry = "handlers.\(spec.agent)"
            if let unknown = spec.options.keys.sorted().first(where: { !options.contains($0) }) {
                throw CairnError.invalidArgument("\(entry): unknown key '\(unknown)'; an agent_file entry knows \(options.sorted().joined(separator: ", "))")
            }
            guard case .string(let path) = spec.value, !path.isEmpty else {
                throw CairnError.invalidArgument("\(entry).agent_file must be the path of an agent file")
            }
            var hosts: [String] = []
            if let value = spec.options["allowed_hosts"] {
                guard case .array(let items) = value, let names = Optional(items.compactMap(\.stringValue)), names.count == items.count else {
                    throw CairnError.invalidArgument("\(entry).allowed_hosts must be a list of host names")
                }
                hosts = names
            }
            var usage = spec.resolve(path: ".cairn/usage")
            if let value = spec.options["usage_folder"] {
                guard let folder = value.stringValue else { throw CairnError.invalidArgument("\(entry).usage_folder must be a folder path") }
                usage = spec.resolve(path: folder)
            }
            let definition = try AgentFile.load(spec.resolve(path: path),
                                                options: AgentFileOptions(allowedHosts: try HostAllowlist(hosts), ledgerFolder: usage))
            return runs.handler(for: definition, agent: spec.agent)
        }
    }
}
