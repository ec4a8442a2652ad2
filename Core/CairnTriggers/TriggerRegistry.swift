public import CairnCore
import Foundation

/// The triggers added at runtime, kept in the store: a system log (agent `cairn.triggers`) of
/// `trigger-add` entries (the definition as JSON) and `trigger-remove` entries (metadata `name`).
/// Every node and the CLI read the same log; changes are compare-and-swap appends, so two adds of
/// one name never both succeed.
public struct TriggerRegistry: Sendable {
    /// The agent name of the registry log.
    public static let agent = "cairn.triggers"
    static let addKind = EventKind.other("trigger-add")
    static let removeKind = EventKind.other("trigger-remove")

    /// The store.
    public let store: any Store
    /// The clock for entry times.
    public let clock: any WallClock
    /// The registry log's id.
    public let id = SystemLogs.id(of: "triggers")

    /// A registry over `store`.
    public init(store: any Store, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// The registry log's length: it changes whenever a trigger is added or removed.
    /// - Throws: store errors.
    public func version() async throws -> Int {
        do { return try await store.ownHead(id).length } catch CairnError.sessionNotFound { return 0 }
    }

    /// The triggers added and not removed, in the order they were added, and the log's length.
    /// - Throws: store errors; `CairnError.corrupt` for an entry that does not decode.
    public func definitions() async throws -> (definitions: [TriggerDefinition], version: Int) {
        let entries: [Entry]
        do { entries = try await store.readOwn(id, from: 0, limit: nil) } catch CairnError.sessionNotFound { return ([], 0) }
        var current: [TriggerDefinition] = []
        for entry in entries {
            switch entry.event {
            case Self.addKind:
                guard let digest = entry.digest else { continue }
                do {
                    let definition = try JSONDecoder().decode(TriggerDefinition.self, from: try await store.get(digest))
                    current.removeAll { $0.name == definition.name }
                    current.append(definition)
                } catch let error as CairnError {
                    throw error
                } catch {
                    throw CairnError.corrupt("trigger registry entry \(entry.seq) does not decode: \(error)")
                }
            case Self.removeKind:
                if let name = entry.header.metadata["name"] { current.removeAll { $0.name == name } }
            default:
                continue
            }
        }
        return (current, (entries.last?.seq ?? -1) + 1)
    }

    /// Adds `definition` (its origin becomes ``TriggerDefinition/Origin/dynamic``).
    /// - Throws: ``TriggerError/exists(_:)`` if the registry has the name; store errors.
    public func add(_ definition: TriggerDefinition) async throws {
        var definition = definition
        definition.origin = .dynamic
        let body = try JSONEncoder().encode(definition)
        let draft = EntryDraft(
            event: Self.addKind, header: ObjectHeader(contentType: ContentTypes.json, metadata: ["name": definition.name]),
            digest: try await store.put(body), size: body.count, time: clock.now(), source: "trigger")
        try await change { current in
            if current.contains(where: { $0.name == definition.name }) { throw TriggerError.exists(definition.name) }
            return draft
        }
    }

    /// Removes the trigger called `name`.
    /// - Throws: ``TriggerError/notFound(_:known:)`` if the registry has no such trigger; store errors.
    public func remove(_ name: String) async throws {
        let draft = EntryDraft(event: Self.removeKind, header: ObjectHeader(metadata: ["name": name]), time: clock.now(), source: "trigger")
        try await change { current in
            guard current.contains(where: { $0.name == name }) else { throw TriggerError.notFound(name, known: current.map(\.name)) }
            return draft
        }
    }

    private func change(_ make: ([TriggerDefinition]) throws -> EntryDraft) async throws {
        while true {
            let (current, length) = try await definitions()
            let draft = try make(current)
            do {
                if length == 0 {
                    let info = SessionInfo(id: id, agent: Self.agent, created: clock.now())
                    _ = try await store.createSession(
                        info, initial: [try await ControlRecord.draft(.start, time: clock.now(), source: "trigger", in: store), draft])
                } else {
                    _ = try await store.append([draft], to: id, expectedLength: length)
                }
                return
            } catch CairnError.conflict {
                continue
            } catch CairnError.sessionExists {
                continue
            }
        }
    }
}
