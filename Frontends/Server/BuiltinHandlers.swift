import CairnCore
import CairnProcessHandler
import Foundation
import Logging
import Synchronization

/// The options of `command:` and `rpc:` handler entries: `timeout` (seconds), `env` (a mapping of
/// strings), `cwd` (a folder, relative to the configuration file).
struct HandlerOptions {
    static let keys: Set<String> = ["timeout", "env", "cwd"]

    var timeout: Duration = .seconds(300)
    var environment: [String: String] = [:]
    var workingDirectory: String?

    init(_ spec: HandlerSpec) throws {
        try ServerConfiguration.checkKeys(spec.options, allowed: Self.keys, in: "handlers.\(spec.agent)")
        if let value = spec.options["timeout"] {
            timeout = .milliseconds(Int(try ServerConfiguration.number(value, "handlers.\(spec.agent).timeout") * 1000))
        }
        if let value = spec.options["env"] {
            guard case .object(let map) = value else { throw ServerError.configuration("handlers.\(spec.agent).env must be a mapping of strings") }
            for (key, item) in map { environment[key] = try ServerConfiguration.string(item, "handlers.\(spec.agent).env.\(key)") }
        }
        if let value = spec.options["cwd"] {
            workingDirectory = spec.resolve(path: try ServerConfiguration.string(value, "handlers.\(spec.agent).cwd"))
        }
    }

    /// A command given as a list of strings, or as one string split at spaces.
    static func command(_ spec: HandlerSpec) throws -> [String] {
        switch spec.value {
        case .string(let text):
            let words = text.split(separator: " ").map(String.init)
            if !words.isEmpty { return words }
        case .array(let items) where !items.isEmpty:
            return try items.map { try ServerConfiguration.string($0, "handlers.\(spec.agent).\(spec.kind)") }
        default:
            break
        }
        throw ServerError.configuration("handlers.\(spec.agent).\(spec.kind) must be a command: a list such as [python3, handler.py]")
    }
}

/// The handler kinds `cairn serve` implements itself: `command` (one process per invocation) and
/// `rpc` (a long-lived pugmark RPC-mode process). Keeps the RPC handlers to stop them at shutdown.
final class BuiltinHandlers: Sendable {
    private let server: ObjectServer
    private let logger: Logger
    private let rpcHandlers = Mutex<[RPCHandler]>([])

    init(server: ObjectServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    /// Adds `command` and `rpc` to `registry` (kinds the caller registered keep their factories).
    func register(into registry: inout HandlerRegistry) {
        let server = server, logger = logger
        let sink: @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }
        if !registry.knows("command") {
            registry.register(kind: "command") { spec in
                let options = try HandlerOptions(spec)
                return try ProcessHandler(
                    command: try HandlerOptions.command(spec), server: server, environment: options.environment,
                    workingDirectory: options.workingDirectory, timeout: options.timeout, stderrSink: sink)
            }
        }
        if !registry.knows("rpc") {
            registry.register(kind: "rpc") { [self] spec in
                let options = try HandlerOptions(spec)
                var rpcLogger = logger
                rpcLogger[metadataKey: "agent"] = "\(spec.agent)"
                let handler = try RPCHandler(
                    command: try HandlerOptions.command(spec), server: server, environment: options.environment,
                    workingDirectory: options.workingDirectory, timeout: options.timeout, stderrSink: sink, logger: rpcLogger)
                self.rpcHandlers.withLock { $0.append(handler) }
                return handler
            }
        }
    }

    /// Stops every RPC handler process.
    func shutdown() async {
        for handler in rpcHandlers.withLock({ $0 }) { await handler.shutdown() }
    }
}
