public import CairnCore
public import Foundation

/// One firing of a trigger: what a schedule, a webhook request, a file change or an entry
/// elsewhere produced, before it is recorded.
///
/// The ``id`` makes it idempotent: a trigger that produces the same fire twice (a webhook sender
/// retrying a delivery, two nodes reaching the same cron time) has it recorded once.
public struct TriggerFire: Sendable, Hashable {
    /// Unique within the trigger: a schedule's due time, a sender's delivery id, a fresh UUID.
    public var id: String
    /// When it fired (a schedule's due time, a request's arrival).
    public var time: Date
    /// The object pushed into the target session.
    public var payload: Data
    /// The payload's content type.
    public var contentType: String
    /// Extra metadata for the pushed entry's header (`scheduled`, `delivery`, `path`, ...).
    public var metadata: [String: String]

    /// Creates a fire.
    public init(id: String, time: Date, payload: Data, contentType: String = ContentTypes.json, metadata: [String: String] = [:]) {
        self.id = id
        self.time = time
        self.payload = payload
        self.contentType = contentType
        self.metadata = metadata
    }

    /// A fire whose payload is `object` encoded as JSON.
    public static func json(id: String, time: Date, _ object: JSONValue, metadata: [String: String] = [:]) -> TriggerFire {
        TriggerFire(id: id, time: time, payload: Data(object.text.utf8), contentType: ContentTypes.json, metadata: metadata)
    }
}

/// Where a recorded fire went.
public struct FireReceipt: Sendable, Hashable {
    /// The fire's id.
    public var fireID: String
    /// The session the fire was pushed into.
    public var session: SessionID
    /// The fire's position in the trigger's fire log.
    public var ledgerSeq: Int
    /// When the fire was first recorded with this id.
    public var time: Date

    /// Creates a receipt.
    public init(fireID: String, session: SessionID, ledgerSeq: Int, time: Date) {
        self.fireID = fireID
        self.session = session
        self.ledgerSeq = ledgerSeq
        self.time = time
    }
}

/// What became of a fire handed to ``TriggerContext/fire(_:)``.
public enum FireOutcome: Sendable, Hashable {
    /// Recorded now, and pushed into its session.
    case recorded(FireReceipt)
    /// Recorded before under the same id (a retry); nothing new was appended.
    case duplicate(FireReceipt)
    /// The trigger's filter expression refused it; nothing was recorded.
    case filtered

    /// The receipt, unless the fire was filtered.
    public var receipt: FireReceipt? {
        switch self {
        case .recorded(let receipt), .duplicate(let receipt): receipt
        case .filtered: nil
        }
    }
}
