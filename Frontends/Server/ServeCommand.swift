public import ArgumentParser
import CairnCLI
import CairnCore
import CairnProcessCLI
import CairnProcesses
import Foundation
import Logging

/// The commands this target contributes to `cairn`: `serve`, `trigger`, `init`, `doctor`.
public enum ServerCommands {
    /// `serve`, `trigger`, `init` and `doctor`.
    public static let commands: [any ParsableCommand.Type] = [ServeCommand.self, TriggerCommand.self, InitCommand.self, DoctorCommand.self]
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the runtime as a service with an HTTP API and live streams (Docs/http-api.md).",
        discussion: """
            Drives every session that has a pending event or a due timer with the handler configured for its agent \
            (or the 'default' handler); sessions with neither stay pending. Without --config: the default store, \
            127.0.0.1:7420, no handlers. Prints 'listening on http://HOST:PORT' once it listens. SIGTERM or SIGINT \
            stops it gracefully: open streams end, running invocations may finish within the grace period.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("A YAML configuration file (store, server options, handlers).", valueName: "FILE"))
    var config: String?
    @OptionGroup var storeOption: StoreOption
    @Option(help: "The address to listen on (overrides the configuration).") var host: String?
    @Option(help: "The port to listen on; 0 picks a free one (overrides the configuration).") var port: Int?
    @Option(
        help: ArgumentHelp(
            "A directory of .agent manifests: each process is deployed and started, or updated if its manifest changed (Docs/processes.md).",
            valueName: "DIR"))
    var agents: String?

    func run() async throws {
        let server = try await makeServer(components: CairnCommand.components)
        for manifest in server.configuration.manifests {
            do {
                try await server.processes.validate(manifest)
            } catch {
                await server.close()
                throw CairnError.invalidArgument("\(agents ?? "--agents"): process '\(manifest.name)': \(error)")
            }
        }
        try await server.run()
    }

    private func makeServer(components: Components) async throws -> CairnServer {
        var configuration = try ServerConfiguration.load(file: config, components: components)
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
            configuration.port = port
        }
        if let agents {
            configuration.manifests = try ManifestFiles.load(directory: CLIContext.absolutePath(agents))
        }
        let context = try CLIContext(storeFlag: storeOption.store ?? configuration.store, create: true)
        let logger = Logger(label: "cairn.serve")
        return try await CairnServer(configuration: configuration, store: context.store, components: components, logger: logger) { host, port in
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}

extension ServerConfiguration {
    /// Reads the configuration file at `file` (nil: the defaults), with the handler kinds of `components`.
    /// - Throws: `CairnError.invalidArgument` if it cannot be read; ``ServerError/configuration(_:)``.
    static func load(file: String?, components: Components) throws -> ServerConfiguration {
        guard let file else { return ServerConfiguration() }
        let path = CLIContext.absolutePath(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CairnError.invalidArgument("cannot read the configuration file \(file)")
        }
        return try ServerConfiguration.load(
            yaml: String(decoding: data, as: UTF8.self), baseDirectory: (path as NSString).deletingLastPathComponent,
            kinds: Set(components.names(.handler)))
    }
}
