import CairnCore
import Foundation

/// The JSON shape of a session in the API.
enum SessionJSON {
    /// `id`, `agent`, `metadata`, `created`, `parent`, `fork-point`, and — with a head — `length`,
    /// `status` (a word) and `status-detail`.
    static func object(_ info: SessionInfo, head: SessionHead? = nil, status: SessionStatus? = nil) -> [String: Any] {
        var object: [String: Any] = [
            "id": info.id.rawValue,
            "agent": info.agent,
            "metadata": info.metadata,
            "created": Timestamps.format(info.created),
            "parent": info.parent?.rawValue ?? NSNull(),
            "fork-point": info.forkPoint,
        ]
        if let head { object["length"] = head.length }
        if let status {
            object["status"] = status.word
            object["status-detail"] = status.description
        }
        return object
    }

    /// The session with its head and status read from the store.
    static func current(_ id: SessionID, store: any Store) async throws -> [String: Any] {
        let head = try await SessionLog(store: store).head(of: id)
        let status = try await SessionLog.status(of: head, blobs: store)
        return object(head.info, head: head, status: status)
    }
}
