import CairnZstd
public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One entry of the session log as a handler receives it on stdin.
public struct InputObject: Sendable, Hashable {
    /// The entry's event: `start`, `fork`, `push`, `wake`, `pause`, `sleep`, `error`, ...
    public var event: String
    /// Where the body can be fetched (empty when the entry has no body).
    public var url: String
    /// The decoded body's size in bytes.
    public var size: Int
    /// The MIME type.
    public var contentType: String
    /// The encoding of the bytes served at `url` (`""` or `zstd`).
    public var contentEncoding: String
    /// The schema URL, if any.
    public var schemaURL: String
    /// The object's name, if any.
    public var name: String
    /// Its metadata.
    public var metadata: [String: String]
    /// Its sequence number in the log (Cairn sends it; other runtimes may not).
    public var seq: Int?

    /// Parses one stdin line.
    /// - Throws: ``HandlerSDKError/malformedInput(_:)`` naming the problem.
    public init(line: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw HandlerSDKError.malformedInput("a stdin line is not a JSON object: \(String(decoding: line.prefix(120), as: UTF8.self))")
        }
        event = object["event"] as? String ?? ""
        url = object["url"] as? String ?? ""
        size = object["size"] as? Int ?? 0
        contentType = object["content-type"] as? String ?? ""
        contentEncoding = object["content-encoding"] as? String ?? ""
        schemaURL = object["schema-url"] as? String ?? ""
        name = object["name"] as? String ?? ""
        metadata = object["metadata"] as? [String: String] ?? [:]
        seq = object["seq"] as? Int
    }

    /// The decoded body (empty for an entry without one).
    /// - Throws: ``HandlerSDKError`` if it cannot be fetched or decoded.
    public func body() async throws -> Data {
        guard !url.isEmpty else { return Data() }
        guard let location = URL(string: url) else { throw HandlerSDKError.fetchFailed(url, "not a URL") }
        let (data, response) = try await URLSession.shared.data(from: location)
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            throw HandlerSDKError.fetchFailed(url, "HTTP \(http.statusCode)")
        }
        switch contentEncoding {
        case "": return data
        case "zstd":
            do { return try Zstd.decompress(data) } catch { throw HandlerSDKError.fetchFailed(url, "\(error)") }
        default:
            throw HandlerSDKError.fetchFailed(url, "unsupported content-encoding '\(contentEncoding)'")
        }
    }

    /// The body as UTF-8 text.
    public func text() async throws -> String {
        String(decoding: try await body(), as: UTF8.self)
    }

    /// The body decoded as JSON into `type`.
    public func json<T: Decodable>(as type: T.Type = T.self) async throws -> T {
        try JSONDecoder().decode(type, from: try await body())
    }

    /// The body parsed with `JSONSerialization` (dictionaries, arrays, strings, numbers...).
    public func jsonObject() async throws -> Any {
        try JSONSerialization.jsonObject(with: try await body(), options: [.fragmentsAllowed])
    }
}

/// What went wrong in the handler SDK.
public enum HandlerSDKError: Error, CustomStringConvertible {
    /// A stdin line was not an input record.
    case malformedInput(String)
    /// A body could not be fetched or decoded.
    case fetchFailed(String, String)

    public var description: String {
        switch self {
        case .malformedInput(let message): message
        case .fetchFailed(let url, let why): "cannot fetch \(url): \(why)"
        }
    }
}

/// A typed view of the events that trigger an invocation.
public enum HandlerEvent: Sendable, Hashable {
    /// A new root session.
    case start
    /// A session forked from a parent.
    case fork
    /// Woken after a sleep or by `cairn wake`.
    case wake
    /// An object was added.
    case push(InputObject)
}
