import Foundation

/// The header of an object: everything about it except its body.
///
/// `contentEncoding` is the encoding of the object's bytes as written by its producer
/// (usually empty). How a store encodes the blob on disk is a separate, storage-level matter
/// (see ``StoredBlob``).
public struct ObjectHeader: Sendable, Hashable, Codable {
    /// The MIME type of the body, e.g. `application/json`.
    public var contentType: String
    /// The producer's encoding of the body (`""`, `gzip` or `zstd`).
    public var contentEncoding: String
    /// An optional URL of a schema the body conforms to.
    public var schemaURL: String
    /// An optional name; named objects form the session's named state.
    public var name: String
    /// Free-form string metadata.
    public var metadata: [String: String]

    /// Creates a header; every field defaults to empty.
    public init(
        contentType: String = "",
        contentEncoding: String = "",
        schemaURL: String = "",
        name: String = "",
        metadata: [String: String] = [:]
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.schemaURL = schemaURL
        self.name = name
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case contentType = "content-type"
        case contentEncoding = "content-encoding"
        case schemaURL = "schema-url"
        case name, metadata
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        contentType = try c.decodeIfPresent(String.self, forKey: .contentType) ?? ""
        contentEncoding = try c.decodeIfPresent(String.self, forKey: .contentEncoding) ?? ""
        schemaURL = try c.decodeIfPresent(String.self, forKey: .schemaURL) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        metadata = try c.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !contentType.isEmpty { try c.encode(contentType, forKey: .contentType) }
        if !contentEncoding.isEmpty { try c.encode(contentEncoding, forKey: .contentEncoding) }
        if !schemaURL.isEmpty { try c.encode(schemaURL, forKey: .schemaURL) }
        if !name.isEmpty { try c.encode(name, forKey: .name) }
        if !metadata.isEmpty { try c.encode(metadata, forKey: .metadata) }
    }
}

/// Content types with a meaning to the runtime.
public enum ContentTypes {
    /// A pause (or, with a `duration` metadata key, a sleep) written by a pugmark handler.
    public static let pause = "application/vnd.pugmark.pause+text"
    /// Marks a session as finished: it is never invoked again.
    public static let finish = "application/vnd.cairn.finish+text"
    /// The body of an `error` entry: a JSON object describing a failed invocation.
    public static let error = "application/vnd.cairn.error+json"
    /// JSON.
    public static let json = "application/json"
    /// Plain UTF-8 text.
    public static let text = "text/plain"
    /// Arbitrary bytes.
    public static let bytes = "application/octet-stream"

    /// Whether `contentType` (parameters ignored) is JSON: `application/json` or `+json`.
    public static func isJSON(_ contentType: String) -> Bool {
        let media = mediaType(contentType)
        return media == "application/json" || media.hasSuffix("+json")
    }

    /// Whether `contentType` (parameters ignored) is text.
    public static func isText(_ contentType: String) -> Bool {
        let media = mediaType(contentType)
        return media.hasPrefix("text/") || media.hasSuffix("+text") || media.hasSuffix("+xml")
            || media == "application/xml" || media == "application/yaml"
    }

    /// The media type without parameters, lowercased: `Text/Plain; charset=utf-8` → `text/plain`.
    public static func mediaType(_ contentType: String) -> String {
        let head = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return head.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
