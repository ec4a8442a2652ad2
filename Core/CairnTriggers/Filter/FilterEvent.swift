public import CairnCore

/// What a filter expression sees of one trigger fire: promptise's `TriggerEvent` fields.
///
/// In an expression, `payload`, `metadata`, `trigger_type`, `trigger_id` and `event_id` name these
/// fields, and any other bare name is a key of the payload.
public struct FilterEvent: Sendable {
    /// The fire's payload (a webhook's JSON body, ...); `.null` if there is none, which reads as `None`.
    public var payload: JSONValue
    /// Extra context, read as a dict of strings.
    public var metadata: [String: String]
    /// The trigger's kind (`webhook`, `cron`, ...).
    public var triggerType: String
    /// Which trigger fired.
    public var triggerID: String
    /// This fire's identifier.
    public var eventID: String

    /// An event; fields not given are empty.
    public init(payload: JSONValue, metadata: [String: String] = [:], triggerType: String = "", triggerID: String = "", eventID: String = "") {
        self.payload = payload
        self.metadata = metadata
        self.triggerType = triggerType
        self.triggerID = triggerID
        self.eventID = eventID
    }
}
