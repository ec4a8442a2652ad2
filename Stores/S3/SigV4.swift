import Crypto
public import Foundation

/// AWS Signature Version 4 for S3 requests (header-based, `AWS4-HMAC-SHA256`).
///
/// The canonical request is built as the AWS documentation specifies: the method, the URI path
/// encoded once (S3 does not double-encode), the query sorted by encoded name, every signed header
/// lowercased and trimmed, the signed header names, and the payload's SHA-256 in hex.
public struct SigV4Signer: Sendable {
    /// The keys requests are signed with.
    public var credentials: S3Credentials
    /// The region in the credential scope, e.g. `us-east-1` (`auto` for Cloudflare R2).
    public var region: String
    /// The service in the credential scope: `s3`.
    public var service: String

    /// Creates a signer.
    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The hex SHA-256 of an empty payload.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The hex SHA-256 of `data`.
    public static func payloadHash(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    /// What signing produced, with the intermediate texts for diagnosis and tests.
    public struct Signature: Sendable {
        /// The canonical request text.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
        /// The value of the `Authorization` header.
        public var authorization: String
    }

    /// Signs a request.
    /// - Parameters:
    ///   - method: `GET`, `PUT`, ...
    ///   - path: the URI path as sent, already percent-encoded (see ``encodePath(_:)``).
    ///   - query: the query parameters, not encoded.
    ///   - headers: every header to sign, including `host`, `x-amz-date` and `x-amz-content-sha256`
    ///     (and `x-amz-security-token` with temporary credentials); names in any case.
    ///   - payloadHash: the hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
    ///   - date: the request time; must match the `x-amz-date` header.
    public func sign(
        method: String, path: String, query: [(String, String)], headers: [(String, String)],
        payloadHash: String, date: Date
    ) -> Signature {
        let canonicalHeaders =
            headers
            .map { (name: $0.0.lowercased(), value: Self.trimmed($0.1)) }
            .sorted { $0.name < $1.name }
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let encodedQuery: [(name: String, value: String)] = query.map { pair in
            (name: Self.encode(pair.0, keepSlash: false), value: Self.encode(pair.1, keepSlash: false))
        }
        let sortedQuery = encodedQuery.sorted { lhs, rhs in lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name }
        let canonicalQuery: String = sortedQuery.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
        let headerLines: String = canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined()
        let canonicalPath: String = path.isEmpty ? "/" : path
        let canonicalRequest: String = [method, canonicalPath, canonicalQuery, headerLines, signedHeaders, payloadHash]
            .joined(separator: "\n")
        let (day, stamp) = Self.timestamps(date)
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization)
    }

    /// The `x-amz-date` value for `date`: `20130524T000000Z`.
    public static func amzDate(_ date: Date) -> String { timestamps(date).stamp }

    /// Percent-encodes an object path for the URI and the canonical request: every byte except
    /// `A-Z a-z 0-9 - _ . ~` and `/` becomes `%XX`.
    public static func encodePath(_ path: String) -> String { encode(path, keepSlash: true) }

    /// Percent-encodes a query name or value (`/` is encoded too).
    public static func encodeQuery(_ text: String) -> String { encode(text, keepSlash: false) }

    private static func encode(_ text: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Trims a header value and collapses inner runs of spaces, as the canonical form requires.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    private static func timestamps(_ date: Date) -> (day: String, stamp: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
        return (day, day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0))
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
