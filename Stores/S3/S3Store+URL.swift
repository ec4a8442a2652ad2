import CairnCore
public import Foundation

extension S3Store {
    /// Opens the store named by an `s3://` URL:
    ///
    ///     s3://BUCKET[/PREFIX][?endpoint=http://127.0.0.1:9000&region=us-east-1&path_style=true]
    ///
    /// Options: `endpoint` (an S3-compatible server; AWS S3 when absent), `region` (else
    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`), `path_style` (`true` by default when an
    /// endpoint is given, else `false`), `max_attempts` (5), `timeout` (seconds per request, 60),
    /// `compact_every` (batches before a background compaction, 64; 0 turns it off).
    /// Credentials come from the environment or the shared credentials file (``S3Credentials/resolve(environment:)``).
    /// Opening makes no request; `create` is accepted for the registry and ignored (buckets are
    /// made with the provider's tools, and everything under the prefix is created on first write).
    /// - Throws: `CairnError.unsupportedStore` for a malformed URL or option; `CairnError.invalidArgument` without credentials.
    public convenience init(url: URL, create: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard url.scheme?.lowercased() == "s3", let bucket = url.host, !bucket.isEmpty else {
            throw CairnError.unsupportedStore("'\(url.absoluteString)' is not an s3://bucket/prefix URL")
        }
        var endpoint: URL?
        var region =
            environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        var pathStyle: Bool?
        var attempts = 5
        var timeout: Duration = .seconds(60)
        var compactEvery: Int? = 64
        for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "endpoint":
                guard let parsed = URL(string: value), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                    throw CairnError.unsupportedStore("endpoint must be an http:// or https:// URL such as http://127.0.0.1:9000, not '\(value)'")
                }
                endpoint = parsed
            case "region":
                guard !value.isEmpty else { throw CairnError.unsupportedStore("region must not be empty (e.g. us-east-1, or auto for R2)") }
                region = value
            case "path_style":
                guard let flag = Bool(value.lowercased()) else { throw CairnError.unsupportedStore("path_style must be true or false, not '\(value)'") }
                pathStyle = flag
            case "max_attempts":
                guard let count = Int(value), count >= 1 else { throw CairnError.unsupportedStore("max_attempts must be 1 or more, not '\(value)'") }
                attempts = count
            case "timeout":
                guard let seconds = Double(value), seconds > 0 else { throw CairnError.unsupportedStore("timeout must be seconds, not '\(value)'") }
                timeout = .milliseconds(Int64(seconds * 1000))
            case "compact_every":
                guard let count = Int(value), count >= 0 else { throw CairnError.unsupportedStore("compact_every must be 0 (off) or more, not '\(value)'") }
                compactEvery = count == 0 ? nil : count
            default:
                throw CairnError.unsupportedStore(
                    "unknown s3 store option '\(item.name)' (known: endpoint, region, path_style, max_attempts, timeout, compact_every)")
            }
        }
        let configuration = S3ClientConfiguration(
            bucket: bucket, region: region, endpoint: endpoint, pathStyle: pathStyle,
            credentials: try S3Credentials.resolve(environment: environment), maxAttempts: attempts, requestTimeout: timeout)
        self.init(client: S3Client(configuration: configuration), options: Options(prefix: url.path, compactEvery: compactEvery))
    }
}
