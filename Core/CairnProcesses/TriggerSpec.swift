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

    /// Checks a trigger mapping's shape: a type and a string filter (the kind checks its own
    /// fields when the trigger is validated or attached).
    /// - Throws: ``ProcessConfigError`` (`MISSING_FIELD` without a type, `INVALID_CONFIG` otherwise).
    public static func parse(_ value: JSONValue, at path: String = "trigger") throws(ProcessConfigError) -> TriggerSpec {
        guard case .object(let object) = value else { throw .invalid("\(path) must be a JSON object") }
        guard let type = object["type"]?.stringValue, !type.isEmpty else {
            throw ProcessConfigError("MISSING_FIELD", "\(path).type is required (cron, webhook, file_watch, event, message, interval)")
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

/// The fields every trigger has; the others belong to the trigger's kind, which checks them
/// (a field of another kind is refused there, with the kind's own message).
enum TriggerSpecFields {
    static let common: Set<String> = ["type", "filter_expression", "custom_config", "trusted"]
    static let secretKeys: Set<String> = ["hmac_secret"]
}
