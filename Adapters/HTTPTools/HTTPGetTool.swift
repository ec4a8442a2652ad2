import AsyncHTTPClient
public import CairnCore
import Foundation
import NIOCore
import NIOHTTP1

/// The client the HTTP tool uses: it never follows redirects by itself, so each hop is checked
/// against the allowlist. Process-wide, like AsyncHTTPClient's shared client.
private let toolClient = HTTPClient(
    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
    configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

/// `http_get`: fetches a URL with GET, only from allowed hosts (every redirect hop is checked
/// too), with headers that may use secrets (`${secret:NAME}`), returning the status and at most
/// `maxBytes` of the body. The configured headers go only to the origin (scheme, host and port)
/// of the URL the model asked for: a redirect elsewhere is followed without them, and a
/// redirect from https to http is refused.
public struct HTTPGetTool: Tool {
    let allowlist: HostAllowlist
    let headers: [String: String]
    let secrets: SecretVault?
    let maxBytes: Int
    let timeout: Duration
    let maxRedirects = 5

    /// A tool fetching from the hosts `allowlist` allows.
    public init(
        allowlist: HostAllowlist, headers: [String: String] = [:], secrets: SecretVault? = nil, maxBytes: Int = 256 * 1024,
        timeout: Duration = .seconds(30)
    ) {
        self.allowlist = allowlist
        self.headers = headers
        self.secrets = secrets
        self.maxBytes = max(1, maxBytes)
        self.timeout = timeout
    }

    /// Scheme, host and port of `url`, lowercased, with default ports filled in.
    static func origin(of url: URL) -> String {
        let scheme = url.scheme?.lowercased() ?? ""
        return "\(scheme)://\(url.host?.lowercased() ?? ""):\(url.port ?? (scheme == "https" ? 443 : 80))"
    }

    public var spec: ToolSpec {
        ToolSpec(
            name: "http_get", description: "Fetch a URL with HTTP GET and return the status and the body as text.",
            inputSchema: .object([
                "type": .string("object"), "properties": .object(["url": .object(["type": .string("string")])]),
                "required": .array([.string("url")]),
            ]))
    }

    public func invoke(_ arguments: JSONValue) async throws -> String {
        guard let text = arguments["url"]?.stringValue, var url = URL(string: text) else { throw ToolError.badArgument("give the URL as \"url\"") }
        var resolvedHeaders: [(String, String)] = []
        for (name, template) in headers.sorted(by: { $0.key < $1.key }) {
            resolvedHeaders.append((name, try await secrets?.resolve(template) ?? template))
        }
        let origin = Self.origin(of: url)
        for _ in 0...maxRedirects {
            guard allowlist.allows(url) else { throw ToolError.hostNotAllowed(url.absoluteString) }
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .GET
            if Self.origin(of: url) == origin {
                for (name, value) in resolvedHeaders { request.headers.add(name: name, value: value) }
            }
            let response: HTTPClientResponse
            do {
                let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                response = try await toolClient.execute(request, timeout: .nanoseconds(nanoseconds))
            } catch {
                throw ToolError.requestFailed("\(url.absoluteString): \(error)")
            }
            if (300..<400).contains(response.status.code), let location = response.headers.first(name: "location"),
                let next = URL(string: location, relativeTo: url)?.absoluteURL
            {
                if url.scheme?.lowercased() == "https", next.scheme?.lowercased() != "https" {
                    throw ToolError.requestFailed("\(url.absoluteString) redirects from https to \(next.absoluteString); refused")
                }
                url = next
                continue
            }
            var bytes: [UInt8] = []
            var truncated = false
            for try await chunk in response.body {
                bytes += chunk.readableBytesView
                if bytes.count > maxBytes {
                    truncated = true
                    bytes.removeLast(bytes.count - maxBytes)
                    break
                }
            }
            return "HTTP \(response.status.code)\n" + String(decoding: bytes, as: UTF8.self) + (truncated ? "\n[truncated after \(maxBytes) bytes]" : "")
        }
        throw ToolError.requestFailed("more than \(maxRedirects) redirects from \(text)")
    }
}
