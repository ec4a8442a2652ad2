import AsyncHTTPClient
import CairnCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One S3 request before signing.
struct S3Request: Sendable {
    /// The operation's name in errors and counters: `GET`, `PUT`, `HEAD`, `DELETE`, `LIST`, `CREATE BUCKET`.
    var operation: String
    var method: HTTPMethod
    /// The object key, or nil for a bucket-level request.
    var key: String?
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: Data?
    var timeout: Duration
    /// What errors name when there is no key (the prefix of a listing).
    var subject: String?
}

/// A response with its body read.
struct S3Response: Sendable {
    var status: UInt
    var headers: HTTPHeaders
    var body: Data
    /// Whether an earlier attempt of this request failed in a way that leaves its effect unknown
    /// (a connection error, a timeout or a 5xx): the server may have applied it.
    var afterAmbiguousAttempt: Bool
}

extension S3Client {
    /// Sends `request`, retrying 5xx, 429 and connection errors with exponential backoff and full
    /// jitter, and returns the first response that is not retryable, whatever its status.
    /// - Parameter bodyLimit: the most response bytes to read.
    /// - Throws: `CairnError.storage` naming the operation and key when every attempt failed.
    func send(_ request: S3Request, bodyLimit: Int = 16 << 20) async throws -> S3Response {
        record(operation: request.operation)
        var ambiguous = false
        var attempt = 0
        while true {
            attempt += 1
            recordAttempt()
            let failure: String
            do {
                let response = try await sendOnce(request, bodyLimit: bodyLimit)
                guard Self.isRetryable(status: response.status), attempt < configuration.maxAttempts else {
                    return S3Response(status: response.status, headers: response.headers, body: response.body, afterAmbiguousAttempt: ambiguous)
                }
                if response.status >= 500 { ambiguous = true }
                failure = describe(request, status: response.status, body: response.body)
            } catch let error as CairnError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard attempt < configuration.maxAttempts else {
                    throw CairnError.storage("S3 \(request.operation) \(location(request.key ?? request.subject)) failed after \(attempt) attempts: \(error)")
                }
                ambiguous = true
                failure = "\(error)"
            }
            let delay = backoff(attempt: attempt)
            logger.debug(
                "retrying S3 request",
                metadata: [
                    "operation": "\(request.operation)", "key": "\(request.key ?? "")", "attempt": "\(attempt)",
                    "reason": "\(failure)", "delay": "\(delay)",
                ])
            try await Task.sleep(for: delay)
        }
    }

    /// Whether a status is worth retrying: server errors and throttling (500, 502, 503 SlowDown, 504, 429).
    static func isRetryable(status: UInt) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// Full jitter: a random wait between zero and `base * 2^(attempt-1)`, capped.
    func backoff(attempt: Int) -> Duration {
        let base = Double(configuration.baseBackoff.components.seconds) + Double(configuration.baseBackoff.components.attoseconds) / 1e18
        let cap = Double(configuration.maxBackoff.components.seconds) + Double(configuration.maxBackoff.components.attoseconds) / 1e18
        let ceiling = min(cap, base * pow(2, Double(min(attempt - 1, 30))))
        return .milliseconds(Int64(Double.random(in: 0...max(0, ceiling)) * 1000))
    }

    /// A storage error naming the operation, the key, the HTTP status and S3's error code and message.
    func failure(_ request: S3Request, _ response: S3Response) -> CairnError {
        CairnError.storage(describe(request, status: response.status, body: response.body))
    }

    func describe(_ request: S3Request, status: UInt, body: Data) -> String {
        var text = "S3 \(request.operation) \(location(request.key ?? request.subject)): HTTP \(status)"
        if let (code, message) = S3XML.error(body) {
            text += " \(code)" + (message.isEmpty ? "" : ": \(message)")
        }
        if status == 403 { text += " (check the credentials, the region and the bucket policy)" }
        if status == 404, request.key == nil { text += " (does the bucket exist?)" }
        return text
    }

    func location(_ key: String?) -> String {
        "s3://\(configuration.bucket)/\(key ?? "")"
    }

    /// The signed HTTP request for `request`, and its deadline.
    func prepared(_ request: S3Request) throws -> (HTTPClientRequest, TimeAmount) {
        let target = try configuration.target(for: request.key)
        let now = Date()
        let payloadHash = request.body.map { SigV4Signer.payloadHash($0) } ?? SigV4Signer.emptyPayloadHash
        var headers = request.headers
        headers.append(("host", target.host))
        headers.append(("x-amz-date", SigV4Signer.amzDate(now)))
        headers.append(("x-amz-content-sha256", payloadHash))
        if let token = configuration.credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let signature = signer.sign(
            method: request.method.rawValue, path: target.path, query: request.query,
            headers: headers, payloadHash: payloadHash, date: now)
        let queryText = request.query.map { "\(SigV4Signer.encodeQuery($0.0))=\(SigV4Signer.encodeQuery($0.1))" }.joined(separator: "&")
        var http = HTTPClientRequest(url: target.base + target.path + (queryText.isEmpty ? "" : "?" + queryText))
        http.method = request.method
        for (name, value) in headers { http.headers.replaceOrAdd(name: name, value: value) }
        http.headers.replaceOrAdd(name: "authorization", value: signature.authorization)
        if let body = request.body {
            http.body = .bytes(body)
        } else if request.method == .PUT {
            http.body = .bytes(ByteBuffer())
        }
        let timeout = TimeAmount.nanoseconds(
            Int64(request.timeout.components.seconds) * 1_000_000_000
                + Int64(request.timeout.components.attoseconds / 1_000_000_000))
        return (http, timeout)
    }

    private func sendOnce(_ request: S3Request, bodyLimit: Int) async throws -> S3Response {
        let (http, timeout) = try prepared(request)
        let response = try await httpClient.execute(http, timeout: timeout, logger: logger)
        var body = Data()
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length <= bodyLimit {
            body.reserveCapacity(length)
        }
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= bodyLimit else {
                throw CairnError.storage("S3 \(request.operation) \(location(request.key)): the response exceeds \(bodyLimit) bytes")
            }
            chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
        }
        return S3Response(status: response.status.code, headers: response.headers, body: body, afterAmbiguousAttempt: false)
    }
}
