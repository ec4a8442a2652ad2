public import Foundation

/// The hosts tools may send HTTP requests to. An empty list denies every host. Patterns are a
/// host name or address (`api.example.com`, `127.0.0.1`), optionally with a port
/// (`127.0.0.1:8080`), or `*.example.com` for every subdomain (not `example.com` itself).
///
/// The operator sets the list; an agent definition or a request can only narrow it
/// (``narrowed(to:)``), never widen it.
public struct HostAllowlist: Sendable, Hashable, Codable {
    /// The patterns, lowercased.
    public let patterns: [String]

    /// A list of `patterns`.
    /// - Throws: `CairnError.invalidArgument` for an empty pattern, a scheme or a path in one, or a bad port.
    public init(_ patterns: [String]) throws {
        self.patterns = try patterns.map { raw in
            let pattern = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !pattern.isEmpty, !pattern.contains("/"), !pattern.contains("@"), pattern != "*" else {
                throw CairnError.invalidArgument("allowed host '\(raw)' must be a host name, optionally with :port, or *.domain")
            }
            if let colon = pattern.lastIndex(of: ":"), !pattern.hasPrefix("[") {
                guard let port = Int(pattern[pattern.index(after: colon)...]), (1...65535).contains(port) else {
                    throw CairnError.invalidArgument("allowed host '\(raw)' has a bad port")
                }
            }
            return pattern
        }
    }

    /// The list that denies every host.
    public static let denyAll = HostAllowlist(checked: [])

    private init(checked: [String]) { patterns = checked }

    /// Whether a request to `host` on `port` is allowed.
    public func allows(host: String, port: Int?) -> Bool {
        let host = host.lowercased()
        return patterns.contains { Self.matches($0, host: host, port: port) }
    }

    /// Whether `url` (http or https) is allowed.
    public func allows(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else { return false }
        return allows(host: host, port: url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// The patterns of `requested` that this list already covers: the result never allows a host
    /// this list denies.
    /// - Throws: as ``init(_:)``.
    public func narrowed(to requested: [String]) throws -> HostAllowlist {
        let wanted = try HostAllowlist(requested)
        return HostAllowlist(checked: wanted.patterns.filter { pattern in patterns.contains { Self.covers($0, pattern) } })
    }

    static func split(_ pattern: String) -> (host: String, port: Int?) {
        if let colon = pattern.lastIndex(of: ":"), let port = Int(pattern[pattern.index(after: colon)...]) {
            return (String(pattern[..<colon]), port)
        }
        return (pattern, nil)
    }

    static func matches(_ pattern: String, host: String, port: Int?) -> Bool {
        let (patternHost, patternPort) = split(pattern)
        if let patternPort, patternPort != port { return false }
        if patternHost.hasPrefix("*.") { return host.hasSuffix(String(patternHost.dropFirst(1))) }
        return host == patternHost
    }

    /// Whether everything `inner` allows, `outer` allows.
    static func covers(_ outer: String, _ inner: String) -> Bool {
        let (outerHost, outerPort) = split(outer), (innerHost, innerPort) = split(inner)
        if let outerPort, outerPort != innerPort { return false }
        if outerHost.hasPrefix("*.") {
            let suffix = String(outerHost.dropFirst(1))
            return innerHost.hasSuffix(suffix) && innerHost != String(suffix.dropFirst())
        }
        return outerHost == innerHost
    }
}
