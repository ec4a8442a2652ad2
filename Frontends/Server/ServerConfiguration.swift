import CairnCLI
public import CairnCore
public import CairnProcesses
public import CairnTriggers
public import Foundation

/// What `cairn serve` runs: the store, the listening address and limits, and which handler serves
/// which agent. Read from YAML (``load(yaml:baseDirectory:environment:)``); see Docs/http-api.md.
public struct ServerConfiguration: Sendable {
    /// The store URL; nil means the caller's default.
    public var store: String?
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on (0: any free port).
    public var port = 7420
    /// The bearer token every request but the health checks must carry; required beyond loopback.
    public var token: String?
    /// The largest request body accepted, in bytes (larger ones get 413).
    public var bodyLimit = 16 << 20
    /// How many invocations run at once.
    public var concurrency = 4
    /// How often the driver and the streams look for work and entries other processes appended.
    public var pollInterval: Duration = .milliseconds(500)
    /// How often an idle stream sends a keep-alive comment.
    public var keepAlive: Duration = .seconds(15)
    /// How many invocations in a row one session may take without pausing before it is stopped.
    public var maxInvocations = 100
    /// How long in-flight invocations may run on after SIGTERM/SIGINT before they are abandoned.
    public var shutdownGrace: Duration = .seconds(10)
    /// The handler entries, one per agent name (`default` serves every agent without its own).
    public var handlers: [HandlerSpec] = []
    /// The triggers of the file: the `triggers:` section and each handler entry's own `triggers:`
    /// (whose fires start that agent). See Docs/triggers.md.
    public var triggers: [TriggerDefinition] = []
    /// The agent processes to deploy or update when the server starts (`cairn serve --agents DIR`).
    public var manifests: [ProcessManifest] = []

    /// Creates the defaults: loopback, port 7420, no handlers.
    public init() {}

    /// The top-level keys of a configuration file.
    static let topKeys: Set<String> = ["store", "server", "handlers", "triggers"]
    /// The keys of its `server` section.
    static let serverKeys: Set<String> = [
        "host", "port", "token", "token_env", "body_limit", "concurrency", "poll_interval_ms", "keepalive_seconds",
        "max_invocations", "shutdown_grace_seconds",
    ]

    /// Parses a configuration file's text.
    /// - Parameters:
    ///   - baseDirectory: where relative paths in handler entries resolve (the file's folder).
    ///   - kinds: the handler kinds an entry may name; an entry naming none or several is refused.
    ///   - environment: where `token_env` is looked up.
    /// - Throws: ``ServerError/configuration(_:)`` naming the offending key.
    public static func load(
        yaml text: String, baseDirectory: String, kinds: Set<String>,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerConfiguration {
        let root: JSONValue
        do {
            root = try YAMLValue.parse(text, what: "the configuration file")
        } catch let error as CairnError {
            throw ServerError.configuration(error.description)
        }
        guard case .object(let top) = root else { throw ServerError.configuration("the file must be a mapping with keys store, server, handlers, triggers") }
        try checkKeys(top, allowed: topKeys, in: "the file")
        var config = ServerConfiguration()
        if let store = top["store"] { config.store = try string(store, "store") }
        if let server = top["server"] {
            guard case .object(let section) = server else { throw ServerError.configuration("'server' must be a mapping") }
            try checkKeys(section, allowed: serverKeys, in: "'server'")
            try config.apply(server: section, environment: environment)
        }
        if let handlers = top["handlers"] {
            guard case .object(let entries) = handlers else { throw ServerError.configuration("'handlers' must map agent names to handler entries") }
            for (agent, entry) in entries.sorted(by: { $0.key < $1.key }) {
                var entry = entry
                if case .object(var fields) = entry, let triggers = fields.removeValue(forKey: "triggers") {
                    config.triggers += try parseTriggers(triggers, agent: agent, baseDirectory: baseDirectory, location: "handlers.\(agent).triggers")
                    entry = .object(fields)
                }
                config.handlers.append(try handlerSpec(agent: agent, entry: entry, kinds: kinds, baseDirectory: baseDirectory))
            }
        }
        if let triggers = top["triggers"] {
            config.triggers += try parseTriggers(triggers, agent: nil, baseDirectory: baseDirectory, location: "triggers")
        }
        var names = Set<String>()
        for trigger in config.triggers where !names.insert(trigger.name).inserted {
            throw ServerError.configuration("two triggers are named '\(trigger.name)'; trigger names must be unique")
        }
        return config
    }

    private mutating func apply(server section: [String: JSONValue], environment: [String: String]) throws {
        if let value = section["host"] { host = try Self.string(value, "server.host") }
        if let value = section["port"] { port = try Self.integer(value, "server.port", in: 0...65535) }
        if let value = section["token"] { token = try Self.string(value, "server.token") }
        if let value = section["token_env"] {
            let name = try Self.string(value, "server.token_env")
            guard let secret = environment[name], !secret.isEmpty else {
                throw ServerError.configuration("server.token_env names \(name), which is not set or empty in the environment")
            }
            token = secret
        }
        if let value = section["body_limit"] { bodyLimit = try Self.integer(value, "server.body_limit", in: 1...(1 << 34)) }
        if let value = section["concurrency"] { concurrency = try Self.integer(value, "server.concurrency", in: 1...1024) }
        if let value = section["poll_interval_ms"] { pollInterval = .milliseconds(try Self.integer(value, "server.poll_interval_ms", in: 1...600_000)) }
        if let value = section["keepalive_seconds"] { keepAlive = .milliseconds(Int(try Self.number(value, "server.keepalive_seconds") * 1000)) }
        if let value = section["max_invocations"] { maxInvocations = try Self.integer(value, "server.max_invocations", in: 1...1_000_000) }
        if let value = section["shutdown_grace_seconds"] {
            shutdownGrace = .milliseconds(Int(try Self.number(value, "server.shutdown_grace_seconds") * 1000))
        }
    }

    static func parseTriggers(_ value: JSONValue, agent: String?, baseDirectory: String, location: String) throws -> [TriggerDefinition] {
        do {
            return try TriggerDefinition.parseSection(value, agent: agent, baseDirectory: baseDirectory, location: location)
        } catch let error as TriggerError {
            throw ServerError.configuration(error.description)
        }
    }

    static func handlerSpec(agent: String, entry: JSONValue, kinds: Set<String>, baseDirectory: String) throws -> HandlerSpec {
        guard case .object(let fields) = entry else {
            throw ServerError.configuration("handlers.\(agent) must be a mapping with one of: \(kinds.sorted().joined(separator: ", "))")
        }
        let named = fields.keys.filter { kinds.contains($0) }.sorted()
        guard named.count == 1, let kind = named.first, let value = fields[kind] else {
            let found = named.isEmpty ? "none" : named.joined(separator: " and ")
            let keys = fields.keys.sorted()
            let hint = keys.isEmpty ? "" : " among its keys \(keys.joined(separator: ", "))"
            throw ServerError.configuration(
                "handlers.\(agent) must name exactly one handler kind of: \(kinds.sorted().joined(separator: ", ")); found \(found)\(hint)")
        }
        var options = fields
        options[kind] = nil
        return HandlerSpec(agent: agent, kind: kind, value: value, options: options, baseDirectory: baseDirectory)
    }

    static func checkKeys(_ object: [String: JSONValue], allowed: Set<String>, in place: String) throws {
        let unknown = object.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw ServerError.configuration(
                "unknown key\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) in \(place); known: \(allowed.sorted().joined(separator: ", "))"
            )
        }
    }

    static func string(_ value: JSONValue, _ key: String) throws -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
        default: throw ServerError.configuration("\(key) must be a string")
        }
    }

    /// A positive number of seconds, at most a day (so it converts to a duration safely).
    static func number(_ value: JSONValue, _ key: String) throws -> Double {
        switch value {
        case .number(let number) where number > 0 && number <= 86_400: return number
        case .string(let text): if let number = Double(text), number > 0, number <= 86_400 { return number }
        default: break
        }
        throw ServerError.configuration("\(key) must be a positive number of seconds, at most 86400")
    }

    static func integer(_ value: JSONValue, _ key: String, in range: ClosedRange<Int>) throws -> Int {
        var result: Int?
        switch value {
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: result = Int(number)
        case .string(let text): result = Int(text)
        default: break
        }
        guard let result, range.contains(result) else {
            throw ServerError.configuration("\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return result
    }

    /// Whether `host` is a loopback address, where the server may run without a token.
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        // 127.0.0.0/8, written as four decimal octets (not a name such as 127.example.com).
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
            }
    }
}
