public import CairnCore
import Foundation
import Logging

/// The handler kinds of this target: `command` (one process per invocation) and `rpc` (one
/// long-lived pugmark RPC-mode process). Both share the assembly's ``ObjectServer``; RPC
/// processes are stopped when the assembly's resources shut down.
///
/// ```yaml
/// handlers:
///   default:
///     command: [python3, handler.py]
///     timeout: 60            # seconds per invocation (default 300)
///     env: {MODE: test}      # extra environment variables
///     cwd: handlers          # working directory, relative to the configuration file
/// ```
public enum ProcessHandlerKinds {
    /// The keys an entry may have besides its kind.
    static let keys: Set<String> = ["timeout", "env", "cwd"]

    /// Registers `command` and `rpc` in `components`.
    public static func register(in components: inout Components) {
        components.register(.handler, "command", summary: "a process per invocation, pugmark wire protocol (stdin/stdout)", makeCommand)
        components.register(.handler, "rpc", summary: "one long-lived pugmark RPC-mode process (fd 3)", makeRPC)
    }

    /// The object server of `resources`, started on first use and stopped at shutdown.
    /// - Throws: NIO errors if it cannot bind.
    public static func objectServer(in resources: ComponentResources) async throws -> ObjectServer {
        try await resources.shared("cairn.object-server", make: { try await ObjectServer.start() }, shutdown: { await $0.shutdown() })
    }

    @Sendable static func makeCommand(_ configuration: HandlerConfiguration) async throws -> any Handler {
        let entry = try Entry(configuration)
        return try ProcessHandler(
            command: entry.command, server: try await objectServer(in: configuration.resources), environment: entry.environment,
            workingDirectory: entry.workingDirectory, timeout: entry.timeout, stderrSink: standardError)
    }

    @Sendable static func makeRPC(_ configuration: HandlerConfiguration) async throws -> any Handler {
        let entry = try Entry(configuration)
        var logger = Logger(label: "cairn.rpc-handler")
        logger[metadataKey: "agent"] = "\(configuration.spec.agent)"
        let handler = try RPCHandler(
            command: entry.command, server: try await objectServer(in: configuration.resources), environment: entry.environment,
            workingDirectory: entry.workingDirectory, timeout: entry.timeout, stderrSink: standardError, logger: logger)
        await configuration.resources.onShutdown { await handler.shutdown() }
        return handler
    }

    static let standardError: @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }

    /// One entry's command and options.
    struct Entry {
        var command: [String]
        var timeout: Duration
        var environment: [String: String]
        var workingDirectory: String?

        init(_ configuration: HandlerConfiguration) throws {
            let options = configuration.options, spec = configuration.spec
            try options.allowing(keys)
            timeout = try options.seconds("timeout", default: .seconds(300))
            environment = try options.stringMap("env") ?? [:]
            workingDirectory = try options.path("cwd")
            // A command is a list of strings, or one string split at spaces.
            switch spec.value {
            case .string(let text): command = text.split(separator: " ").map(String.init)
            case .array(let items): command = items.compactMap { $0.stringValue }.count == items.count ? items.compactMap(\.stringValue) : []
            default: command = []
            }
            guard !command.isEmpty else {
                throw options.invalid("\(spec.kind) must be a command: a list such as [python3, handler.py]")
            }
        }
    }
}
