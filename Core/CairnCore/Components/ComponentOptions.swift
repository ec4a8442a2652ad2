public import Foundation

/// The configuration node a factory receives (a YAML or JSON mapping), with typed readers whose
/// errors name the key, where it is, and what was expected.
///
/// ```swift
/// try options.allowing(["base_url", "timeout_seconds"])
/// let base = try options.string("base_url") ?? "https://api.example.com"
/// let timeout = try options.seconds("timeout_seconds", default: 300)
/// ```
public struct ComponentOptions: Sendable {
    /// Where the node is, for messages: `agent.yaml: model`, `handlers.assistant`.
    public var location: String
    /// The node's keys and values.
    public var values: [String: JSONValue]
    /// The folder relative paths resolve against (the configuration file's).
    public var baseDirectory: String
    /// The environment variables factories may read (API keys, base URLs).
    public var environment: [String: String]

    /// Creates options.
    public init(
        location: String, values: [String: JSONValue] = [:], baseDirectory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.location = location
        self.values = values
        self.baseDirectory = baseDirectory
        self.environment = environment
    }

    /// An error about this node.
    public func invalid(_ message: String) -> ComponentError { .invalid(location, message) }

    /// Refuses keys outside `keys`, so a typo is an error rather than a silent default.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the first unknown key and the known ones.
    public func allowing(_ keys: Set<String>) throws {
        guard let unknown = values.keys.sorted().first(where: { !keys.contains($0) }) else { return }
        let known = keys.isEmpty ? "it takes no options" : "known: \(keys.sorted().joined(separator: ", "))"
        throw invalid("unknown key '\(unknown)'; \(known)")
    }

    /// The string at `key` (numbers are accepted as their text), or nil if absent.
    public func string(_ key: String) throws -> String? {
        switch values[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)? where number.isFinite: return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        default: throw invalid("\(key) must be a string")
        }
    }

    /// The non-empty string at `key`.
    /// - Throws: when it is absent or empty; `hint` is appended to the message.
    public func requiredString(_ key: String, hint: String = "") throws -> String {
        guard let text = try string(key), !text.isEmpty else { throw invalid("\(key) is required\(hint.isEmpty ? "" : " (\(hint))")") }
        return text
    }

    /// The list of strings at `key`, or nil if absent.
    public func strings(_ key: String) throws -> [String]? {
        guard let value = values[key], value != .null else { return nil }
        guard case .array(let items) = value else { throw invalid("\(key) must be a list of strings") }
        return try items.map { item in
            guard case .string(let text) = item else { throw invalid("\(key) must be a list of strings") }
            return text
        }
    }

    /// The mapping of strings at `key`, or nil if absent.
    public func stringMap(_ key: String) throws -> [String: String]? {
        guard let value = values[key], value != .null else { return nil }
        guard case .object(let map) = value else { throw invalid("\(key) must be a mapping of strings") }
        return try map.mapValues { item in
            switch item {
            case .string(let text): return text
            case .number, .bool: return item.text
            default: throw invalid("\(key) must be a mapping of strings")
            }
        }
    }

    /// The flag at `key`, or nil if absent.
    public func bool(_ key: String) throws -> Bool? {
        switch values[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw invalid("\(key) must be true or false")
        }
    }

    /// The number at `key` if it lies in `range`, or nil if absent.
    public func number(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        var result: Double?
        switch values[key] {
        case nil, .null?: return nil
        case .number(let number)?: result = number
        case .string(let text)?: result = Double(text)
        default: break
        }
        guard let result, result.isFinite, range.contains(result) else { throw invalid("\(key) must be a number in \(range.lowerBound)...\(range.upperBound)") }
        return result
    }

    /// The whole number at `key` if it lies in `range`, or nil if absent.
    public func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard values[key] != nil, values[key] != .null else { return nil }
        guard let number = try? number(key, in: Double(range.lowerBound)...Double(range.upperBound)), number == number.rounded() else {
            throw invalid("\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(number)
    }

    /// A number of seconds at `key` in (0, 86400] as a duration, or `fallback` if absent.
    public func seconds(_ key: String, default fallback: Duration) throws -> Duration {
        guard let value = try? number(key, in: 0...86_400) else {
            if values[key] == nil || values[key] == .null { return fallback }
            throw invalid("\(key) must be a positive number of seconds, at most 86400")
        }
        guard value > 0 else { throw invalid("\(key) must be a positive number of seconds, at most 86400") }
        return .milliseconds(Int((value * 1000).rounded()))
    }

    /// The path at `key` resolved against ``baseDirectory``, or nil if absent.
    public func path(_ key: String) throws -> String? {
        try string(key).map(resolve(path:))
    }

    /// `path` resolved against ``baseDirectory`` unless it is absolute.
    public func resolve(path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// The options of the mapping at `key` (empty if absent), located below this node.
    public func child(_ key: String) throws -> ComponentOptions {
        var child = self
        child.location = location.isEmpty ? key : "\(location).\(key)"
        switch values[key] {
        case nil, .null?: child.values = [:]
        case .object(let map)?: child.values = map
        default: throw invalid("\(key) must be a mapping")
        }
        return child
    }
}
