public import Foundation

/// The JSON form of a ``SessionHistory`` (format `cairn.session-history/1`):
///
/// ```json
/// {
///   "format": "cairn.session-history/1",
///   "session": {"id": "01M…", "agent": "order", "metadata": {}, "created": "2026-11-21T19:40:49.123Z",
///               "parent": "01M…", "fork-point": 3},
///   "entries": [
///     {"seq": 1, "event": "push", "time": "2026-11-21T19:40:49.125Z", "source": "cli",
///      "header": {"content-type": "application/json", "name": "input"},
///      "digest": "7b1b…", "size": 32, "body-base64": "eyJpZCI6…", "body-json": {"id": "A-1"}}
///   ]
/// }
/// ```
///
/// `parent` and `fork-point` appear only for a forked session. `header` holds the non-empty
/// fields of the entry's header (`content-type`, `content-encoding`, `schema-url`, `name`,
/// `metadata`). An entry with a body has `digest` (SHA-256), `size` and `body-base64`, the exact
/// bytes; a JSON body without a content encoding also has `body-json`, the same body parsed, for
/// reading and reviewing only: `body-base64` is what is loaded, and `body-json` must agree with it.
extension SessionHistory: Codable {
    private enum Keys: String, CodingKey {
        case format, session, entries
    }

    /// Decodes and checks a history.
    /// - Throws: `CairnError.invalidArgument` for a missing or unknown `format`, a malformed id,
    ///   time or digest, bad base64, a body that does not match its digest or size, non-dense
    ///   sequence numbers; `DecodingError` for JSON of the wrong shape (``init(json:)`` turns it
    ///   into `CairnError.invalidArgument`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        guard let format = try container.decodeIfPresent(String.self, forKey: .format) else {
            throw Self.invalid("no \"format\" field: this is not a session history written by `cairn export` (format \(Self.format))")
        }
        guard format == Self.format else {
            throw Self.invalid("unknown format '\(format.prefix(80))': this build of Cairn reads \(Self.format)")
        }
        let session = try container.decode(SessionJSON.self, forKey: .session).info()
        let entries = try container.decode([ItemJSON].self, forKey: .entries).enumerated().map { try $0.element.item(index: $0.offset) }
        self.init(session: session, entries: entries)
        try validate()
    }

    /// Encodes the history; bodies as described above.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Self.format, forKey: .format)
        try container.encode(SessionJSON(session), forKey: .session)
        try container.encode(entries.map(ItemJSON.init), forKey: .entries)
    }

    /// Decodes a history from its JSON.
    /// - Throws: `CairnError.invalidArgument` naming what is wrong: not JSON, a missing or
    ///   mistyped field (with its path, such as `entries[3].seq`), or any problem ``init(from:)`` reports.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(SessionHistory.self, from: json)
        } catch let error as DecodingError {
            throw Self.invalid(Self.describe(error))
        }
    }

    /// Reads a history from a JSON file, such as one written by `cairn export -o FILE`.
    /// - Throws: `CairnError.invalidArgument` if the file cannot be read, or as ``init(json:)``.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CairnError.invalidArgument("cannot read the session history \(url.path): \(error.localizedDescription)")
        }
        try self.init(json: data)
    }

    /// The history as pretty-printed JSON with sorted keys (stable, so a committed fixture diffs well).
    /// - Throws: `EncodingError` (not expected: every field is encodable).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue) }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) has the wrong type (expected \(type))"
        case .valueNotFound(_, let context):
            return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON (\(context.debugDescription))" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The `session` object.
private struct SessionJSON: Codable {
    var id: String
    var agent: String?
    var metadata: [String: String]?
    var created: String
    var parent: String?
    var forkPoint: Int?

    enum CodingKeys: String, CodingKey {
        case id, agent, metadata, created, parent
        case forkPoint = "fork-point"
    }

    init(_ info: SessionInfo) {
        id = info.id.rawValue
        agent = info.agent
        metadata = info.metadata
        created = Timestamps.format(info.created)
        parent = info.parent?.rawValue
        forkPoint = info.parent == nil ? nil : info.forkPoint
    }

    func info() throws -> SessionInfo {
        guard let created = Timestamps.parse(created) else {
            throw SessionHistory.invalid("session.created '\(created.prefix(80))' is not an RFC 3339 time")
        }
        do {
            return SessionInfo(
                id: try SessionID(id), parent: try parent.map { try SessionID($0) }, forkPoint: forkPoint ?? 0,
                agent: agent ?? "", metadata: metadata ?? [:], created: created)
        } catch let error as CairnError {
            throw SessionHistory.invalid("session: \(error)")
        }
    }
}

/// One object of `entries`.
private struct ItemJSON: Codable {
    var seq: Int
    var event: String
    var time: String
    var source: String
    var header: ObjectHeader?
    var digest: String?
    var size: Int?
    var bodyBase64: String?
    var bodyJSON: JSONValue?

    enum CodingKeys: String, CodingKey {
        case seq, event, time, source, header, digest, size
        case bodyBase64 = "body-base64"
        case bodyJSON = "body-json"
    }

    init(_ item: SessionHistory.Item) {
        let entry = item.entry
        seq = entry.seq
        event = entry.event.name
        time = Timestamps.format(entry.time)
        source = entry.source
        header = entry.header
        digest = entry.digest?.hex
        size = entry.size
        if entry.digest != nil {
            bodyBase64 = item.body.base64EncodedString()
            if ContentTypes.isJSON(entry.header.contentType), entry.header.contentEncoding.isEmpty {
                bodyJSON = try? JSONDecoder().decode(JSONValue.self, from: item.body)
            }
        }
    }

    /// The item, checked; `index` is its place in `entries` (for messages before its seq is known good).
    func item(index: Int) throws -> SessionHistory.Item {
        let name = "entry #\(seq)"
        guard !event.isEmpty else { throw SessionHistory.invalid("\(name) (entries[\(index)]) has an empty event") }
        guard let date = Timestamps.parse(time) else {
            throw SessionHistory.invalid("\(name): time '\(time.prefix(80))' is not an RFC 3339 time")
        }
        var parsedDigest: Digest?
        var body = Data()
        if let digest {
            do {
                parsedDigest = try Digest(hex: digest)
            } catch {
                throw SessionHistory.invalid("\(name): digest '\(digest.prefix(80))' is not a SHA-256 digest (64 lowercase hex characters)")
            }
            guard let encoded = bodyBase64 else { throw SessionHistory.invalid("\(name) has a digest but no body-base64") }
            guard let decoded = Data(base64Encoded: encoded) else { throw SessionHistory.invalid("\(name): body-base64 is not valid base64") }
            body = decoded
            if let bodyJSON, (try? JSONDecoder().decode(JSONValue.self, from: body)) != bodyJSON {
                throw SessionHistory.invalid("\(name): body-json does not match body-base64 (body-base64 is what is loaded: change both, or remove body-json)")
            }
        } else if bodyBase64 != nil || bodyJSON != nil {
            throw SessionHistory.invalid("\(name) has a body but no digest")
        }
        let entry = Entry(
            seq: seq, event: EventKind(name: event), header: header ?? ObjectHeader(), digest: parsedDigest,
            size: size ?? body.count, time: Timestamps.truncatedToMilliseconds(date), source: source)
        return SessionHistory.Item(entry: entry, body: body)
    }
}
