public import CairnCore
public import CairnTriggers

/// One trigger of a process in promptise's `TriggerConfig` shape (`type` and the fields of that
/// type: `cron_expression`, `webhook_path`, `watch_path`, ...). It becomes a trigger of the
/// server's trigger service whose fires are pushed into the process's log.
public struct TriggerSpec: Sendable, Hashable {
    /// The mapping as given.
    public let json: [String: JSONValue]
    /// `cron`, `webhook`, `file_watch`, `event`, `message`, `interval`, ...
    public var type: String { json["type"]?.stringValue ?? "" }

    /// Checks a trigger mapping: a type, and no field that belongs to another type.
    /// - Throws: ``ProcessConfigError`` (`MISSING_FIELD` without a type, `INVALID_CONFIG` otherwise).
    public static func parse(_ value: JSONValue, at path: String = "trigger") throws(ProcessConfigError) -> TriggerSpec {
        guard case .object(let object) = value else { throw .invalid("\(path) must be a JSON object") }
        guard let type = object["type"]?.stringValue, !type.isEmpty else {
            throw ProcessConfigError("MISSING_FIELD", "\(path).type is required (cron, webhook, file_watch, event, message, interval)")
        }
        let own = TriggerSpecFields.byType[type] ?? []
        for key in object.keys.sorted() where !TriggerSpecFields.common.contains(key) && !own.contains(key) {
            if let owner = TriggerSpecFields.byType.first(where: { $0.value.contains(key) })?.key, TriggerSpecFields.byType[type] != nil {
                throw .invalid("\(path).\(key) belongs to \(owner) triggers, not \(type)")
            }
            if TriggerSpecFields.byType[type] != nil {
                throw .invalid("\(path).\(key) is not a field of \(type) triggers\(ConfigSchema.hint(key, own.union(TriggerSpecFields.common)))")
            }
        }
        if let filter = object["filter_expression"], filter != .null, filter.stringValue == nil {
            throw .invalid("\(path).filter_expression must be a string")
        }
        return TriggerSpec(json: object)
    }

    /// The trigger service's definition of this trigger, named `name`, pushing into `session`.
    public func definition(name: String, target session: SessionID) -> TriggerDefinition {
        var options: [String: JSONValue] = [:]
        for (key, value) in json where !TriggerSpecFields.common.contains(key) && value != .null { options[key] = value }
        if let custom = json["custom_config"]?.objectValue { options.merge(custom) { own, _ in own } }
        return TriggerDefinition(name: name, kind: type, options: options, target: .session(session), filter: json["filter_expression"]?.stringValue)
    }

    /// The mapping with secret values masked (what listings show).
    public var masked: JSONValue {
        var object = json
        for key in object.keys where TriggerSpecFields.secretKeys.contains(key) || TriggerDefinition.isSecretKey(key) {
            object[key] = .string("********")
        }
        return .object(object)
    }
}

/// The fields of promptise's trigger types.
enum TriggerSpecFields {
    static let common: Set<String> = ["type", "filter_expression", "custom_config", "trusted"]
    static let secretKeys: Set<String> = ["hmac_secret"]
    static let byType: [String: Set<String>] = [
        "cron": ["cron_expression", "cron_timezone"],
        "webhook": [
            "webhook_path", "webhook_port", "webhook_host", "hmac_secret", "signature_scheme", "signature_header", "signature_tolerance",
            "allowed_sources", "webhook_max_body_bytes",
        ],
        "file_watch": [
            "watch_path", "watch_patterns", "watch_events", "watch_debounce_seconds", "watch_recursive", "watch_backend",
            "watch_poll_interval", "watch_max_pending_events",
        ],
        "event": ["event_type", "event_source", "from_agent", "poll_interval_seconds"],
        "message": ["topic"],
        "interval": ["interval_seconds", "jitter_seconds"],
    ]
}
