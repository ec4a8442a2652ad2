public import AsyncHTTPClient
import CairnCore
public import Foundation
public import Logging
public import NIOCore
import NIOHTTP1
import Synchronization

/// How many requests an ``S3Client`` made, for tests and diagnostics.
public struct S3RequestCounters: Sendable, Hashable {
    /// Logical operations by name (`GET`, `PUT`, `HEAD`, `DELETE`, `LIST`, `CREATE BUCKET`); a
    /// listing that takes several pages counts once per page.
    public var operations: [String: Int] = [:]
    /// HTTP requests sent, retries included.
    public var attempts = 0

    /// The count for one operation.
    public subscript(_ operation: String) -> Int { operations[operation] ?? 0 }
}

/// A small S3 client: SigV4-signed object PUT (with conditions), GET, HEAD, DELETE, ListObjectsV2
/// and CreateBucket over AsyncHTTPClient, with retries, per-request deadlines and streaming bodies.
///
/// Errors are `CairnError.storage` naming the operation, the `s3://bucket/key`, the HTTP status
/// and S3's error code and message. A missing object is not an error: the methods return nil.
public final class S3Client: Sendable {
    /// Where requests go and how they are retried.
    public let configuration: S3ClientConfiguration
    let signer: SigV4Signer
    let httpClient: HTTPClient
    let logger: Logger
    private let counters = Mutex(S3RequestCounters())

    /// The HTTP client S3 clients share unless given one: never shut down (it lives as long as the
    /// process), no redirects, no decompression, 10 s to connect, 30 s without a byte read fails.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(30)), decompression: .disabled)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Creates a client.
    /// - Parameter httpClient: the HTTP client to use (its owner shuts it down); the shared one by default.
    public init(configuration: S3ClientConfiguration, httpClient: HTTPClient? = nil, logger: Logger = Logger(label: "cairn.s3")) {
        self.configuration = configuration
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
        self.httpClient = httpClient ?? S3Client.sharedHTTPClient
        self.logger = logger
    }

    /// The requests made so far.
    public var requestCounters: S3RequestCounters { counters.withLock { $0 } }

    func record(operation: String) { counters.withLock { $0.operations[operation, default: 0] += 1 } }
    func recordAttempt() { counters.withLock { $0.attempts += 1 } }

    // MARK: Objects

    /// What S3 says about an object.
    public struct ObjectInfo: Sendable, Hashable {
        /// Its ETag, with the quotes S3 puts around it.
        public var etag: String
        /// Its size in bytes.
        public var size: Int64
        /// Its content type.
        public var contentType: String
        /// Its user metadata (`x-amz-meta-NAME` headers), by lowercase NAME.
        public var metadata: [String: String]
    }

    /// An object read in full.
    public struct Object: Sendable {
        /// The bytes.
        public var body: Data
        /// The rest.
        public var info: ObjectInfo
    }

    /// A precondition on a PUT.
    public enum PutCondition: Sendable, Hashable {
        /// Write unconditionally.
        case none
        /// `If-None-Match: *`: create only; fail if the key exists.
        case ifNoneMatch
        /// `If-Match: ETAG`: replace only the version with this ETag.
        case ifMatch(String)
    }

    /// What a PUT did.
    public enum PutResult: Sendable, Hashable {
        /// The object was written; its new ETag.
        case written(etag: String)
        /// The condition did not hold (HTTP 412, 409 for a concurrent conditional write, or 404 for
        /// `If-Match` on a missing key): nothing was written.
        case preconditionFailed
    }

    /// The metadata name of the token a conditional PUT carries, so that a retry refused because
    /// an earlier attempt did land (its response was lost) is recognized as a success.
    public static let writeTokenMetadata = "cairn-write-token"

    /// Writes an object.
    /// - Parameters:
    ///   - contentType: always sent (some servers store an empty object without one).
    ///   - metadata: user metadata, by name without the `x-amz-meta-` prefix; ASCII values.
    /// - Throws: `CairnError.storage` for any other failure.
    public func putObject(
        _ key: String, body: Data, contentType: String, metadata: [String: String] = [:],
        condition: PutCondition = .none
    ) async throws -> PutResult {
        var headers: [(String, String)] = [("content-type", contentType)]
        var token: String?
        switch condition {
        case .none: break
        case .ifNoneMatch: headers.append(("if-none-match", "*"))
        case .ifMatch(let etag): headers.append(("if-match", etag))
        }
        if condition != .none {
            token = UUID().uuidString
            headers.append(("x-amz-meta-" + Self.writeTokenMetadata, token ?? ""))
        }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { headers.append(("x-amz-meta-" + name.lowercased(), value)) }
        let timeout = configuration.requestTimeout + .seconds(Double(body.count) / Double(configuration.minimumThroughput))
        let request = S3Request(operation: "PUT", method: .PUT, key: key, headers: headers, body: body, timeout: timeout)
        let response = try await send(request)
        switch response.status {
        case 200..<300:
            return .written(etag: response.headers.first(name: "etag") ?? "")
        case 412, 409, 404:
            let missingForIfMatch: Bool
            if case .ifMatch = condition { missingForIfMatch = S3XML.error(response.body)?.code != "NoSuchBucket" } else { missingForIfMatch = false }
            guard condition != .none, response.status != 404 || missingForIfMatch else { throw failure(request, response) }
            if response.afterAmbiguousAttempt, let token, let info = try await headObject(key),
                info.metadata[Self.writeTokenMetadata] == token
            {
                return .written(etag: info.etag)  // an earlier attempt landed; its answer was lost
            }
            return .preconditionFailed
        default:
            throw failure(request, response)
        }
    }

    /// The result of a conditional GET.
    public enum GetResult: Sendable {
        /// The object.
        case object(Object)
        /// It still has the ETag given (HTTP 304).
        case notModified
        /// There is no such key.
        case notFound
    }

    /// Reads an object in full, streaming it into one buffer sized by its `Content-Length`.
    /// - Parameters:
    ///   - ifNoneMatch: an ETag; if the object still has it, the answer is `.notModified` with no body.
    ///   - large: the object may be large: allow ``S3ClientConfiguration/largeObjectTimeout`` and up to 5 GiB.
    /// - Throws: `CairnError.storage`.
    public func getObject(_ key: String, ifNoneMatch: String? = nil, large: Bool = false) async throws -> GetResult {
        var headers: [(String, String)] = []
        if let ifNoneMatch { headers.append(("if-none-match", ifNoneMatch)) }
        let request = S3Request(
            operation: "GET", method: .GET, key: key, headers: headers,
            timeout: large ? configuration.largeObjectTimeout : configuration.requestTimeout)
        let response = try await send(request, bodyLimit: large ? 5 << 30 : 256 << 20)
        switch response.status {
        case 200..<300: return .object(Object(body: response.body, info: Self.info(response.headers, size: Int64(response.body.count))))
        case 304: return .notModified
        case 404: return .notFound
        default: throw failure(request, response)
        }
    }

    /// Reads an object and hands its bytes to `consume` as they arrive, without holding the whole
    /// object. Retries happen only before the first byte is handed over; a failure after it throws.
    /// - Returns: the object's information, or nil if there is no such key (then `consume` is not called).
    /// - Throws: `CairnError.storage`; whatever `consume` throws.
    public func streamObject(_ key: String, _ consume: (ByteBuffer) async throws -> Void) async throws -> ObjectInfo? {
        let request = S3Request(operation: "GET", method: .GET, key: key, timeout: configuration.largeObjectTimeout)
        record(operation: request.operation)
        var attempt = 0
        while true {
            attempt += 1
            recordAttempt()
            let (http, timeout) = try prepared(request)
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(http, timeout: timeout, logger: logger)
            } catch {
                guard attempt < configuration.maxAttempts, !(error is CancellationError) else {
                    throw CairnError.storage("S3 GET \(location(key)) failed after \(attempt) attempts: \(error)")
                }
                try await Task.sleep(for: backoff(attempt: attempt))
                continue
            }
            let status = response.status.code
            if status == 404 { return nil }
            if (200..<300).contains(status) {
                let size = response.headers.first(name: "content-length").flatMap(Int64.init) ?? -1
                do {
                    for try await chunk in response.body { try await consume(chunk) }
                } catch let error as CairnError {
                    throw error
                } catch {
                    throw CairnError.storage("S3 GET \(location(key)): the transfer broke off: \(error)")
                }
                return Self.info(response.headers, size: size)
            }
            var body = Data()
            for try await chunk in response.body where body.count < 64 << 10 {
                chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
            }
            guard Self.isRetryable(status: status), attempt < configuration.maxAttempts else {
                throw CairnError.storage(describe(request, status: status, body: body))
            }
            try await Task.sleep(for: backoff(attempt: attempt))
        }
    }

    /// An object's information without its body, or nil if there is no such key.
    /// - Throws: `CairnError.storage`.
    public func headObject(_ key: String) async throws -> ObjectInfo? {
        let request = S3Request(operation: "HEAD", method: .HEAD, key: key, timeout: configuration.requestTimeout)
        let response = try await send(request)
        switch response.status {
        case 200..<300:
            return Self.info(response.headers, size: response.headers.first(name: "content-length").flatMap(Int64.init) ?? 0)
        case 404: return nil
        default: throw failure(request, response)
        }
    }

    /// Deletes an object; deleting a missing key succeeds.
    /// - Throws: `CairnError.storage`.
    public func deleteObject(_ key: String) async throws {
        let request = S3Request(operation: "DELETE", method: .DELETE, key: key, timeout: configuration.requestTimeout)
        let response = try await send(request)
        guard (200..<300).contains(response.status) || response.status == 404 else { throw failure(request, response) }
    }

    /// Lists keys under `prefix` (ListObjectsV2), following continuation tokens to the end.
    /// - Parameters:
    ///   - startAfter: list only keys after this one (in UTF-8 byte order).
    ///   - delimiter: group keys sharing a prefix up to this string into `commonPrefixes`.
    /// - Throws: `CairnError.storage`.
    public func listObjects(prefix: String, startAfter: String? = nil, delimiter: String? = nil) async throws
        -> (objects: [S3ListedObject], commonPrefixes: [String])
    {
        var objects: [S3ListedObject] = []
        var prefixes: [String] = []
        var token: String?
        repeat {
            var query: [(String, String)] = [("list-type", "2"), ("prefix", prefix)]
            if let startAfter { query.append(("start-after", startAfter)) }
            if let delimiter { query.append(("delimiter", delimiter)) }
            if let token { query.append(("continuation-token", token)) }
            let request = S3Request(operation: "LIST", method: .GET, key: nil, query: query, timeout: configuration.requestTimeout, subject: prefix)
            let response = try await send(request)
            guard (200..<300).contains(response.status) else { throw failure(request, response) }
            guard let page = S3XML.listPage(response.body) else {
                throw CairnError.storage("S3 LIST \(location(prefix)): the answer is not a ListObjectsV2 result")
            }
            objects += page.objects
            prefixes += page.commonPrefixes
            token = page.nextContinuationToken
        } while token != nil
        return (objects, prefixes)
    }

    /// Creates the bucket (in the configured region); succeeds if this account already owns it.
    /// - Throws: `CairnError.storage`.
    public func createBucket() async throws {
        var body: Data?
        if configuration.region != "us-east-1" {
            body = Data(
                """
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                <LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        let request = S3Request(
            operation: "CREATE BUCKET", method: .PUT, key: nil, headers: [("content-type", "application/xml")],
            body: body, timeout: configuration.requestTimeout)
        let response = try await send(request)
        if (200..<300).contains(response.status) { return }
        if response.status == 409, S3XML.error(response.body)?.code == "BucketAlreadyOwnedByYou" { return }
        throw failure(request, response)
    }

    private static func info(_ headers: HTTPHeaders, size: Int64) -> ObjectInfo {
        var metadata: [String: String] = [:]
        for (name, value) in headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        return ObjectInfo(
            etag: headers.first(name: "etag") ?? "", size: size,
            contentType: headers.first(name: "content-type") ?? "", metadata: metadata)
    }
}
