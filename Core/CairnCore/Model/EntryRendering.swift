public import Foundation

/// How entries are shown by `cairn log`, and (as JSON) by the HTTP API.
public enum EntryRendering {
    /// The JSON object of an entry with its body: `body` (parsed JSON, or a string for text) or `body-base64`.
    public static func jsonObject(_ entry: Entry, body: Data) -> [String: Any] {
        var object: [String: Any] = [
            "seq": entry.seq,
            "event": entry.event.name,
            "name": entry.header.name,
            "content-type": entry.header.contentType,
            "metadata": entry.header.metadata,
            "size": entry.size,
            "digest": entry.digest?.hex ?? NSNull(),
            "time": Timestamps.format(entry.time),
            "source": entry.source,
        ]
        if !entry.header.contentEncoding.isEmpty { object["content-encoding"] = entry.header.contentEncoding }
        if !entry.header.schemaURL.isEmpty { object["schema-url"] = entry.header.schemaURL }
        if entry.digest != nil {
            if ContentTypes.isJSON(entry.header.contentType), entry.header.contentEncoding.isEmpty,
                let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            {
                object["body"] = value
            } else if let text = String(data: body, encoding: .utf8), entry.header.contentEncoding.isEmpty,
                ContentTypes.isText(entry.header.contentType) || ContentTypes.isJSON(entry.header.contentType) || entry.event.isControl
            {
                object["body"] = text
            } else {
                object["body-base64"] = body.base64EncodedString()
            }
        }
        return object
    }

    /// The entry as one line of JSON with a trailing newline.
    public static func jsonLine(_ entry: Entry, body: Data) -> Data {
        var data =
            (try? JSONSerialization.data(withJSONObject: jsonObject(entry, body: body), options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]))
            ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// One readable line: `#3 push  name  application/json  {"kind":"echo"}`.
    public static func readable(_ entry: Entry, body: Data) -> String {
        var parts = ["#\(entry.seq)", entry.event.name]
        if !entry.header.name.isEmpty { parts.append(entry.header.name) }
        switch entry.event {
        case .sleep:
            parts.append("until \(entry.header.metadata[MetadataKeys.until] ?? "?")")
        case .step:
            let meta = entry.header.metadata
            let attempts = meta["attempts"] ?? "1"
            parts.append(
                "[\(meta["kind"] ?? "step") at \(meta["position"] ?? "?"), \(meta["outcome"] ?? "ok"), \(attempts) attempt\(attempts == "1" ? "" : "s"), \(meta["duration-ms"] ?? "0") ms]"
            )
        case .error:
            if let report = ErrorReport.decode(body) {
                parts.append(report.message)
                if let tail = report.stderrTail?.split(separator: "\n").last { parts.append("| \(tail)") }
                return parts.joined(separator: "  ")
            }
        default:
            break
        }
        if entry.digest != nil {
            if let text = String(data: body, encoding: .utf8), ContentTypes.isText(entry.header.contentType) || ContentTypes.isJSON(entry.header.contentType) {
                let flat = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "⏎")
                parts.append(flat.count > 200 ? String(flat.prefix(200)) + "…" : flat)
            } else {
                parts.append("<\(entry.size) bytes \(entry.header.contentType.isEmpty ? ContentTypes.bytes : entry.header.contentType)>")
            }
        }
        return parts.joined(separator: "  ")
    }
}
