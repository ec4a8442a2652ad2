import CairnCore
public import Foundation

/// Where an ``S3Client`` sends its requests and how patiently.
public struct S3ClientConfiguration: Sendable {
    /// The bucket every request addresses.
    public var bucket: String
    /// The signing region (`us-east-1`; `auto` for Cloudflare R2).
    public var region: String
    /// The server, `scheme://host[:port]`; nil for AWS S3 (`https://s3.REGION.amazonaws.com`).
    public var endpoint: URL?
    /// Path-style addressing (`ENDPOINT/BUCKET/KEY`) instead of virtual-hosted (`BUCKET.HOST/KEY`).
    public var pathStyle: Bool
    /// The keys requests are signed with.
    public var credentials: S3Credentials
    /// Attempts per request (1 = no retries) for 5xx, 429, throttling and connection errors.
    public var maxAttempts: Int
    /// The first backoff; each retry doubles it, up to ``maxBackoff``, with full jitter.
    public var baseBackoff: Duration
    /// The longest wait between two attempts.
    public var maxBackoff: Duration
    /// The deadline of one attempt of a request with a small body.
    public var requestTimeout: Duration
    /// The slowest transfer rate tolerated for large bodies, in bytes per second: an upload of
    /// N bytes gets `requestTimeout + N / minimumThroughput`.
    public var minimumThroughput: Int
    /// The deadline of one attempt of a GET of an object of unknown, possibly large, size
    /// (a stalled transfer still fails after the HTTP client's idle read timeout, 30 s).
    public var largeObjectTimeout: Duration

    /// Creates a configuration.
    public init(
        bucket: String, region: String, endpoint: URL? = nil, pathStyle: Bool? = nil, credentials: S3Credentials,
        maxAttempts: Int = 5, baseBackoff: Duration = .milliseconds(50), maxBackoff: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(60), minimumThroughput: Int = 1 << 20, largeObjectTimeout: Duration = .seconds(1800)
    ) {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.pathStyle = pathStyle ?? (endpoint != nil)
        self.credentials = credentials
        self.maxAttempts = max(1, maxAttempts)
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.requestTimeout = requestTimeout
        self.minimumThroughput = max(1, minimumThroughput)
        self.largeObjectTimeout = largeObjectTimeout
    }

    /// The scheme, host (with a non-default port) and path prefix requests for `key` go to.
    func target(for key: String?) throws -> (base: String, host: String, path: String) {
        let server = endpoint ?? URL(string: "https://s3.\(region).amazonaws.com")
        guard let server, let scheme = server.scheme?.lowercased(), ["http", "https"].contains(scheme), var host = server.host, !host.isEmpty else {
            throw CairnError.invalidArgument("S3 endpoint '\(endpoint?.absoluteString ?? "")' is not an http:// or https:// URL such as http://127.0.0.1:9000")
        }
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }  // IPv6 literal
        var authority = pathStyle ? host : "\(bucket).\(host)"
        if let port = server.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            authority += ":\(port)"
        }
        let basePath = server.path.hasSuffix("/") ? String(server.path.dropLast()) : server.path
        let bucketPath = basePath + (pathStyle ? "/" + bucket : "")
        let path = key.map { bucketPath + "/" + $0 } ?? (bucketPath.isEmpty ? "/" : bucketPath)
        return ("\(scheme)://\(authority)", authority, SigV4Signer.encodePath(path))
    }
}
