public import Foundation
import Synchronization

/// A scoped vault of secrets for an agent's tools. Values come from the environment, from
/// configuration, or from a function (a secrets manager); each may expire after a TTL and is
/// then read again from its source (rotation). Every value the vault ever held — current and
/// rotated out — is replaced by `[REDACTED]` in whatever passes through ``redact(_:)``: the agent
/// loop redacts model turns, tool results and errors before they are recorded or shown.
public final class SecretVault: Sendable {
    /// Where a secret's value comes from.
    public enum Source: Sendable {
        /// An environment variable.
        case environment(String)
        /// A value given in configuration.
        case value(String)
        /// A function, called on first use and again after each TTL.
        case provider(@Sendable () async throws -> String)
    }

    /// A secret's definition.
    public struct Definition: Sendable {
        /// The name tools refer to (`${secret:NAME}`).
        public var name: String
        /// Its source.
        public var source: Source
        /// How long a value is used before it is read again (nil: for the vault's lifetime).
        public var ttl: Duration?

        /// Creates a definition.
        public init(name: String, source: Source, ttl: Duration? = nil) {
            self.name = name
            self.source = source
            self.ttl = ttl
        }
    }

    /// The text that replaces secret values.
    public static let mask = "[REDACTED]"

    private struct Cached {
        var value: String
        var expires: ContinuousClock.Instant?
    }

    private let definitions: [String: Definition]
    private let cache: Mutex<[String: Cached]>
    private let known: Mutex<Set<String>>
    private let clock = ContinuousClock()

    /// Creates a vault; values from the environment and configuration are read at once so they
    /// are redacted even before a tool asks for them.
    /// - Throws: `CairnError.invalidArgument` for a duplicate name or an unset environment variable.
    public init(_ definitions: [Definition], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var byName: [String: Definition] = [:]
        var cached: [String: Cached] = [:]
        let now = ContinuousClock().now
        for definition in definitions {
            guard byName[definition.name] == nil else { throw CairnError.invalidArgument("the secret \(definition.name) is defined twice") }
            byName[definition.name] = definition
            let value: String?
            switch definition.source {
            case .environment(let variable):
                guard let found = environment[variable], !found.isEmpty else {
                    throw CairnError.invalidArgument("the secret \(definition.name) comes from the environment variable \(variable), which is not set")
                }
                value = found
            case .value(let given): value = given
            case .provider: value = nil
            }
            if let value { cached[definition.name] = Cached(value: value, expires: definition.ttl.map { now + $0 }) }
        }
        self.definitions = byName
        cache = Mutex(cached)
        known = Mutex(Set(cached.values.map(\.value)))
    }

    /// The names of the secrets.
    public var names: [String] { definitions.keys.sorted() }

    /// The current value of `name`, read again from its source when its TTL has run out.
    /// - Throws: `CairnError.invalidArgument` for an unknown name; the source's errors, redacted.
    public func value(_ name: String) async throws -> String {
        guard let definition = definitions[name] else {
            throw CairnError.invalidArgument("no secret named \(name); the vault has \(names.joined(separator: ", "))")
        }
        let now = clock.now
        if let cached = cache.withLock({ $0[name] }), cached.expires.map({ now < $0 }) ?? true { return cached.value }
        let value: String
        switch definition.source {
        case .environment(let variable):
            guard let found = ProcessInfo.processInfo.environment[variable], !found.isEmpty else {
                throw CairnError.invalidArgument("the secret \(name) comes from the environment variable \(variable), which is not set")
            }
            value = found
        case .value(let given): value = given
        case .provider(let read):
            do { value = try await read() } catch { throw CairnError.invalidArgument("reading the secret \(name) failed: \(redact("\(error)"))") }
        }
        known.withLock { _ = $0.insert(value) }
        cache.withLock { $0[name] = Cached(value: value, expires: definition.ttl.map { now + $0 }) }
        return value
    }

    /// Replaces `${secret:NAME}` in `template` by the secrets' values (for tool configuration
    /// such as headers; never for text that is recorded).
    /// - Throws: as ``value(_:)``.
    public func resolve(_ template: String) async throws -> String {
        var result = template
        while let start = result.range(of: "${secret:"), let end = result[start.upperBound...].firstIndex(of: "}") {
            let name = String(result[start.upperBound..<end])
            result.replaceSubrange(start.lowerBound...end, with: try await value(name))
        }
        return result
    }

    /// `text` with every value the vault has held replaced by `[REDACTED]`, longest first.
    public func redact(_ text: String) -> String {
        let values = known.withLock { $0 }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        var result = text
        for value in values where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: Self.mask)
        }
        return result
    }
}
