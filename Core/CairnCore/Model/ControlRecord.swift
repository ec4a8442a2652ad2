public import Foundation

/// The JSON bodies of control entries: `start`, `fork`, `wake`, `pause`, `sleep` and `finish`
/// each carry a small JSON object describing themselves (`{"event":"wake","reason":"timer"}`,
/// `{"event":"pause","reason":"nothing to echo"}`), so that every entry a handler reads decodes
/// as JSON — a pugmark handler that folds `obj.decode_json()` over the whole log works on any log.
///
/// Identical bodies are one blob (bodies are stored by digest), so the `start` and timer `wake`
/// bodies cost one blob per store, not one per session.
public enum ControlRecord {
    /// The body of a control entry: `{"event": EVENT}` plus `fields`, keys sorted.
    public static func body(_ event: EventKind, _ fields: [String: JSONValue] = [:]) -> Data {
        var object = fields
        object["event"] = .string(event.name)
        return Data(JSONValue.object(object).canonicalText.utf8)
    }

    /// A control entry's draft, its body stored in `store` first.
    /// - Throws: store errors.
    public static func draft(
        _ event: EventKind, _ fields: [String: JSONValue] = [:], metadata: [String: String] = [:], time: Date, source: String,
        in store: any Store
    ) async throws -> EntryDraft {
        let data = body(event, fields)
        return EntryDraft(
            event: event, header: ObjectHeader(contentType: ContentTypes.json, metadata: metadata), digest: try await store.put(data),
            size: data.count, time: time, source: source)
    }

    /// The reason of a pause, sleep or finish: the body's `reason` (older logs have the reason
    /// as plain text, which is returned as it is).
    public static func reason(of body: Data?) -> String {
        guard let body, !body.isEmpty else { return "" }
        if body.first == UInt8(ascii: "{"), case .object(let object)? = try? JSONValue(parsing: String(decoding: body, as: UTF8.self)),
            object["event"] != nil
        {
            return object["reason"]?.stringValue ?? ""
        }
        return String(decoding: body, as: UTF8.self)
    }
}
