public import Foundation

/// What kind of decision a step record holds.
public enum StepKind: String, Sendable, Hashable, Codable {
    /// The result of a side effect (`step`, and each sample of `sample`/`vote` and each branch of `all`).
    case step
    /// A recorded `now()`.
    case now
    /// A recorded random number.
    case random
    /// A recorded UUID.
    case uuid
    /// A durable sleep: the time it ends.
    case sleep
    /// A signal received: its value.
    case signal
    /// A version marker.
    case version
    /// The start of a child workflow scope.
    case child
}

/// The shape of a step entry — documented in Docs/workflows.md so that any language can write
/// and replay steps: event `step`, content type `application/vnd.cairn.step+json`, the step's name
/// as the object name, metadata `position` (`3`, or `3/1` inside a child scope), `kind`, `outcome`
/// (`ok` or `error`), `attempts`, `duration-ms`; the body is the result as JSON, or
/// `{"error": message, "type": type}` for a failed step.
public struct StepRecord: Sendable, Hashable {
    /// Content type of step entries.
    public static let contentType = "application/vnd.cairn.step+json"

    /// Where the step is in the workflow: `3`, or `3/1` inside a child scope.
    public var position: String
    /// Its name.
    public var name: String
    /// What kind of decision it records.
    public var kind: StepKind
    /// Whether it succeeded.
    public var succeeded: Bool
    /// How many attempts it took.
    public var attempts: Int
    /// How long it ran, in milliseconds.
    public var durationMilliseconds: Int
    /// The result (JSON) or the error description (JSON object with `error` and `type`).
    public var body: Data
    /// Extra metadata (for a signal: the `seq` of the push it consumed).
    public var extra: [String: String]
    /// When it was recorded, and its sequence number (for records read from a log).
    public var time: Date?
    public var seq: Int?

    /// Creates a record.
    public init(
        position: String, name: String, kind: StepKind, succeeded: Bool, attempts: Int, durationMilliseconds: Int,
        body: Data, extra: [String: String] = [:]
    ) {
        self.position = position
        self.name = name
        self.kind = kind
        self.succeeded = succeeded
        self.attempts = attempts
        self.durationMilliseconds = durationMilliseconds
        self.body = body
        self.extra = extra
    }

    /// The entry header of the record.
    public var header: ObjectHeader {
        var metadata = extra
        metadata["position"] = position
        metadata["kind"] = kind.rawValue
        metadata["outcome"] = succeeded ? "ok" : "error"
        metadata["attempts"] = String(attempts)
        metadata["duration-ms"] = String(durationMilliseconds)
        return ObjectHeader(contentType: StepRecord.contentType, name: name, metadata: metadata)
    }

    /// Reads a record from a step entry and its body; nil if the entry is not a well-formed step.
    public init?(entry: Entry, body: Data) {
        guard entry.event == .step, let position = entry.header.metadata["position"],
            let kind = entry.header.metadata["kind"].flatMap(StepKind.init(rawValue:))
        else { return nil }
        var extra = entry.header.metadata
        for key in ["position", "kind", "outcome", "attempts", "duration-ms"] { extra[key] = nil }
        self.init(
            position: position, name: entry.header.name, kind: kind, succeeded: entry.header.metadata["outcome"] != "error",
            attempts: Int(entry.header.metadata["attempts"] ?? "") ?? 1,
            durationMilliseconds: Int(entry.header.metadata["duration-ms"] ?? "") ?? 0, body: body, extra: extra)
        time = entry.time
        seq = entry.seq
    }

    /// The error message of a failed step.
    public var errorMessage: String {
        (try? JSONDecoder().decode(StepErrorBody.self, from: body))?.error ?? String(decoding: body, as: UTF8.self)
    }
}

/// The body of a failed step.
struct StepErrorBody: Codable {
    var error: String
    var type: String
}

/// JSON coding shared by the workflow engine: sorted keys, so records are byte-stable.
enum StepJSON {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: data)
    }
}
