import Foundation

/// An incremental parser of Server-Sent Events (`text/event-stream`), as model providers stream
/// them: feed it bytes as they arrive, get complete events back.
public struct ServerSentEventParser: Sendable {
    /// One event.
    public struct Event: Sendable, Hashable {
        /// The `event:` field (empty when absent).
        public var name: String
        /// The `data:` lines, joined with newlines.
        public var data: String
        /// The `id:` field, if any.
        public var id: String?
    }

    private var buffer = Data()
    private var name = ""
    private var data: [String] = []
    private var id: String?

    /// A parser with nothing buffered.
    public init() {}

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            var line = buffer[buffer.startIndex..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            buffer.removeSubrange(buffer.startIndex...newline)
            if let event = consume(String(decoding: line, as: UTF8.self)) { events.append(event) }
        }
        return events
    }

    /// The event left unterminated at the end of the stream, if any.
    public mutating func finish() -> Event? {
        if !buffer.isEmpty {
            let rest = String(decoding: buffer, as: UTF8.self)
            buffer.removeAll()
            _ = consume(rest)
        }
        return consume("")
    }

    private mutating func consume(_ line: String) -> Event? {
        if line.isEmpty {
            defer { name = ""; data = []; id = nil }
            return data.isEmpty && name.isEmpty ? nil : Event(name: name, data: data.joined(separator: "\n"), id: id)
        }
        if line.hasPrefix(":") { return nil }
        let (field, value): (Substring, Substring)
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            var rest = line[line.index(after: colon)...]
            if rest.first == " " { rest = rest.dropFirst() }
            value = rest
        } else {
            (field, value) = (Substring(line), "")
        }
        switch field {
        case "event": name = String(value)
        case "data": data.append(String(value))
        case "id": id = String(value)
        default: break
        }
        return nil
    }
}
