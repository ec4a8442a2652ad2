import Foundation

/// Reads a session's *logical* log: the entries it inherits from its parent (up to the fork
/// point, recursively) followed by its own. Works over any ``LogStore``.
public struct SessionLog: Sendable {
    /// The store read from.
    public let store: any LogStore

    /// Creates a reader over `store`.
    public init(store: any LogStore) {
        self.store = store
    }

    /// The logical entries with sequence numbers in `from..<(from + limit)`.
    /// - Throws: `CairnError.sessionNotFound` for an unknown session (or a missing ancestor).
    public func entries(of id: SessionID, from: Int = 0, limit: Int? = nil) async throws -> [Entry] {
        guard from >= 0 else { throw CairnError.invalidArgument("'from' must be 0 or more, not \(from)") }
        if let limit, limit <= 0 { return [] }
        let info = try await store.sessionInfo(id)
        var result: [Entry] = []
        if from < info.forkPoint, let parent = info.parent {
            let inheritedLimit = min(info.forkPoint - from, limit ?? Int.max)
            result = try await entries(of: parent, from: from, limit: inheritedLimit)
        }
        let remaining = limit.map { $0 - result.count }
        if remaining.map({ $0 > 0 }) ?? true {
            result += try await store.readOwn(id, from: max(from, info.forkPoint), limit: remaining)
        }
        return result
    }

    /// The session's information, logical length and last entry.
    public func head(of id: SessionID) async throws -> SessionHead {
        let info = try await store.sessionInfo(id)
        let own = try await store.ownHead(id)
        if let last = own.last {
            return SessionHead(info: info, length: own.length, last: last)
        }
        guard info.forkPoint > 0, info.parent != nil else {
            return SessionHead(info: info, length: own.length, last: nil)
        }
        let inherited = try await entries(of: id, from: info.forkPoint - 1, limit: 1)
        return SessionHead(info: info, length: own.length, last: inherited.last)
    }

    /// The session's status, derived from its last entry (reading that entry's body for the reason).
    public func status(of id: SessionID, blobs: any BlobStore) async throws -> SessionStatus {
        let head = try await head(of: id)
        return try await SessionLog.status(of: head, blobs: blobs)
    }

    /// The status for a head, reading the body of its last entry when it carries a reason.
    public static func status(of head: SessionHead, blobs: any BlobStore) async throws -> SessionStatus {
        guard let last = head.last else { return .pending }
        var body: Data?
        if let digest = last.digest, [.pause, .error].contains(last.event) {
            body = try await blobs.get(digest)
        }
        return SessionStatus.derive(last: last, body: body)
    }
}
