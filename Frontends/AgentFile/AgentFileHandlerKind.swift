public import CairnCore
import Foundation

/// The `agent_file` handler kind: sessions of an agent are served in process by the agent an
/// agent file defines, with the live events and cancellation of the assembly's ``AgentRuns``.
///
/// ```yaml
/// handlers:
///   assistant:
///     agent_file: agents/assistant.yaml
///     allowed_hosts: [api.example.com]   # the operator's list for http_get (default: none)
///     usage_folder: .cairn/usage          # the daily usage ledger (default; relative to this file)
/// ```
public enum AgentFileHandlerKind {
    /// The keys an entry may have besides `agent_file`.
    static let keys: Set<String> = ["allowed_hosts", "usage_folder"]

    /// Registers `agent_file` in `components`.
    public static func register(in components: inout Components) {
        components.register(.handler, "agent_file", summary: "an agent file's agent, run in process (live events, cancel)", make)
    }

    /// Builds the handler of one `agent_file` entry; providers and tools come from the entry's
    /// registry.
    /// - Throws: ``ComponentError`` or `CairnError.invalidArgument` naming the entry's or the
    ///   agent file's mistake.
    @Sendable static func make(_ configuration: HandlerConfiguration) async throws -> any Handler {
        let options = configuration.options
        try options.allowing(keys)
        guard case .string(let path) = configuration.spec.value, !path.isEmpty else {
            throw options.invalid("agent_file must be the path of an agent file")
        }
        let hosts = try HostAllowlist(try options.strings("allowed_hosts") ?? [])
        let usage = try options.path("usage_folder") ?? options.resolve(path: ".cairn/usage")
        let fileOptions = AgentFileOptions(
            components: configuration.components, allowedHosts: hosts, ledgerFolder: usage,
            environment: options.environment)
        let definition = try await AgentFile.load(options.resolve(path: path), options: fileOptions)
        let runs = try await AgentRuns.shared(in: configuration.resources)
        return runs.handler(for: definition, agent: configuration.spec.agent)
    }
}
