public import CairnCore
public import Foundation

/// The JSON lines of the pugmark handler protocol (Docs/protocol.md).
public enum WireFormat {
    /// One stdin line for `entry`: keys `url`, `size`, `event`, `content-type`, `content-encoding`,
    /// `schema-url`, `name`, `metadata` (what the pugmark SDK reads), plus `seq`, `digest`, `time`
    /// and `source`, which the SDK ignores.
    public static func inputLine(for entry: Entry, url: String, encoding: String) -> Data {
        var object: [String: Any] = [
            "url": url,
            "size": entry.size,
            "event": entry.event.name,
            "content-type": entry.header.contentType,
            "content-encoding": encoding,
            "schema-url": entry.header.schemaURL,
            "name": entry.header.name,
            "metadata": entry.header.metadata,
            "seq": entry.seq,
            "time": Timestamps.format(entry.time),
            "source": entry.source,
        ]
        if let digest = entry.digest { object["digest"] = digest.hex }
        var line = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        line.append(0x0A)
        return line
    }

    /// Why an output line was refused.
    public struct InvalidOutput: Error, CustomStringConvertible {
        /// What was wrong, naming the line.
        public let description: String
    }

    /// Parses the handler's stdout: one JSON object per non-empty line.
    /// - Throws: ``InvalidOutput`` naming the first line that is not a valid output record.
    public static func parseOutputs(_ stdout: Data) throws -> [HandlerOutput] {
        var outputs: [HandlerOutput] = []
        var lineNumber = 0
        for line in stdout.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            outputs.append(try parseOutput(Data(trimmed), lineNumber: lineNumber))
        }
        return outputs
    }

    static func parseOutput(_ line: Data, lineNumber: Int) throws -> HandlerOutput {
        func invalid(_ why: String) -> InvalidOutput {
            let preview = String(decoding: line.prefix(120), as: UTF8.self)
            return InvalidOutput(description: "stdout line \(lineNumber) is not a valid output record (\(why)): \(preview)")
        }
        guard let any = try? JSONSerialization.jsonObject(with: line), let parsed = any as? [String: Any] else {
            throw invalid("not a JSON object")
        }
        // A key whose value is null counts as absent, for every key.
        let object = parsed.filter { !($0.value is NSNull) }
        func string(_ key: String) throws -> String {
            guard let value = object[key] else { return "" }
            guard let text = value as? String else { throw invalid("'\(key)' must be a string") }
            return text
        }
        var metadata: [String: String] = [:]
        if let value = object["metadata"] {
            guard let map = value as? [String: Any] else { throw invalid("'metadata' must be an object of strings") }
            for (key, item) in map {
                guard let text = item as? String else { throw invalid("metadata '\(key)' must be a string") }
                metadata[key] = text
            }
        }
        let header = ObjectHeader(
            contentType: try string("content-type"), contentEncoding: try string("content-encoding"),
            schemaURL: try string("schema-url"), name: try string("name"), metadata: metadata)
        let body: HandlerOutput.Body
        switch (object["data"], object["uri"]) {
        case (let data?, nil):
            guard let text = data as? String, let bytes = Data(base64Encoded: text) else { throw invalid("'data' must be base64") }
            body = .data(bytes)
        case (nil, let uri?):
            guard let text = uri as? String, !text.isEmpty else { throw invalid("'uri' must be a non-empty string") }
            body = .uri(text)
        case (nil, nil):
            throw invalid("it has neither 'data' nor 'uri'")
        default:
            throw invalid("it has both 'data' and 'uri'")
        }
        var fork = false
        if let value = object["fork"] {
            guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else {
                throw invalid("'fork' must be true or false")
            }
            fork = number.boolValue
        }
        var session: SessionID?
        let target = try string("session")
        if !target.isEmpty {
            guard let id = try? SessionID(target) else { throw invalid("'session' is not a session id") }
            session = id
        }
        return HandlerOutput(header: header, body: body, fork: fork, session: session)
    }
}
