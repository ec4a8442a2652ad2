public import CairnCore
import Foundation

/// The tools of this target as components: `http_get`, to the operator's allowed hosts.
///
/// ```yaml
/// tools:
///   - http_get:
///       headers: {Authorization: "Bearer ${secret:api_token}"}
///       max_bytes: 262144
///       timeout_seconds: 30
/// ```
public enum HTTPToolComponents {
    /// Registers `http_get` in `components`.
    public static func register(in components: inout Components) {
        components.register(.tool, "http_get", summary: "HTTP GET to the allowed hosts (every redirect hop checked)", makeGet)
    }

    @Sendable static func makeGet(_ configuration: ToolConfiguration) throws -> [any Tool] {
        let options = configuration.options
        try options.allowing(["headers", "max_bytes", "timeout_seconds"])
        let headers = try options.stringMap("headers") ?? [:]
        for template in headers.values {
            var rest = Substring(template)
            while let start = rest.range(of: "${secret:"), let end = rest[start.upperBound...].firstIndex(of: "}") {
                let name = String(rest[start.upperBound..<end])
                guard configuration.secrets?.names.contains(name) == true else {
                    throw options.invalid("headers use ${secret:\(name)}, which is not in the agent's secrets")
                }
                rest = rest[rest.index(after: end)...]
            }
        }
        return [
            HTTPGetTool(
                allowlist: configuration.allowedHosts, headers: headers, secrets: configuration.secrets,
                maxBytes: try options.integer("max_bytes", in: 1...(64 << 20)) ?? 256 * 1024,
                timeout: try options.seconds("timeout_seconds", default: .seconds(30)))
        ]
    }
}
