public import Foundation

/// One record of a session log.
///
/// Sequence numbers are dense and start at 0 for the first entry of the *logical* log: a forked
/// session's own entries continue the numbering of the parent entries it inherits.
public struct Entry: Sendable, Hashable, Codable {
    /// The position of the entry in the session's logical log.
    public var seq: Int
    /// What happened.
    public var event: EventKind
    /// The object header.
    public var header: ObjectHeader
    /// The SHA-256 of the decoded body, or nil for an entry without a body.
    public var digest: Digest?
    /// The size of the decoded body in bytes (0 without a body).
    public var size: Int
    /// When the entry was appended (millisecond precision).
    public var time: Date
    /// Who appended it: `cli`, `api`, `runtime`, `handler`, ...
    public var source: String

    /// Creates an entry.
    public init(seq: Int, event: EventKind, header: ObjectHeader, digest: Digest?, size: Int, time: Date, source: String) {
        self.seq = seq
        self.event = event
        self.header = header
        self.digest = digest
        self.size = size
        self.time = time
        self.source = source
    }

    /// The entry without its sequence number.
    public var draft: EntryDraft {
        EntryDraft(event: event, header: header, digest: digest, size: size, time: time, source: source)
    }

    /// For a `sleep` entry, when it is due.
    public var wakeTime: Date? { event == .sleep ? header.metadata[MetadataKeys.until].flatMap(Timestamps.parse) : nil }
}

/// An entry waiting to be appended: the store assigns its sequence number.
public struct EntryDraft: Sendable, Hashable, Codable {
    /// What happened.
    public var event: EventKind
    /// The object header.
    public var header: ObjectHeader
    /// The SHA-256 of the decoded body, or nil for an entry without a body.
    public var digest: Digest?
    /// The size of the decoded body in bytes.
    public var size: Int
    /// When the entry was appended.
    public var time: Date
    /// Who appended it.
    public var source: String

    /// Creates a draft. `time` is truncated to whole milliseconds so it round-trips through every store.
    public init(event: EventKind, header: ObjectHeader = ObjectHeader(), digest: Digest? = nil, size: Int = 0, time: Date, source: String) {
        self.event = event
        self.header = header
        self.digest = digest
        self.size = size
        self.time = Timestamps.truncatedToMilliseconds(time)
        self.source = source
    }

    /// The entry this draft becomes at position `seq`.
    public func entry(seq: Int) -> Entry {
        Entry(seq: seq, event: event, header: header, digest: digest, size: size, time: time, source: source)
    }
}

/// Metadata keys with a meaning to the runtime.
public enum MetadataKeys {
    /// On a pugmark pause output: a Go duration (`60.00s`, `1m30s`) that turns the pause into a sleep.
    public static let duration = "duration"
    /// On a `sleep` entry: when it is due, as an RFC 3339 timestamp with milliseconds.
    public static let until = "until"
}

/// Timestamp helpers shared by stores and frontends.
public enum Timestamps {
    /// Rounds to whole milliseconds, so times survive JSON and integer storage unchanged.
    public static func truncatedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Milliseconds since 1970, rounded to the nearest (binary floating point cannot hold most
    /// decimal fractions exactly, so truncating would turn .123 into .122).
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date for milliseconds since 1970.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-21T19:40:49.123Z`.
    public static func format(_ date: Date) -> String {
        let (whole, fraction) = milliseconds(date).quotientAndRemainder(dividingBy: 1000)
        let (seconds, millis) = fraction < 0 ? (whole - 1, fraction + 1000) : (whole, fraction)
        let text = Date(timeIntervalSince1970: Double(seconds))
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        return String(text.dropLast()) + String(format: ".%03lldZ", millis)
    }

    /// Parses RFC 3339 with or without fractional seconds; nil if malformed.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
