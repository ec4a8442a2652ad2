public import CairnCore
import Foundation
public import Logging

/// What a running trigger works with: its definition, the clock, and ``fire(_:)``, which filters,
/// records and delivers a fire exactly once.
public final class TriggerContext: Sendable {
    /// The trigger's definition.
    public let definition: TriggerDefinition
    /// The clock to read and wait on.
    public let clock: any TriggerClock
    /// The store fires are recorded in.
    public let store: any Store
    /// Where the trigger logs.
    public let logger: Logger
    /// The trigger's fire log.
    public let log: FireLog
    let delivery: FireDelivery
    let filter: FilterExpression?
    let observer: FireObserver?

    init(
        definition: TriggerDefinition, clock: any TriggerClock, store: any Store, log: FireLog, filter: FilterExpression?, logger: Logger,
        observer: FireObserver? = nil
    ) {
        self.definition = definition
        self.clock = clock
        self.store = store
        self.log = log
        self.filter = filter
        self.logger = logger
        self.observer = observer
        self.delivery = FireDelivery(trigger: definition.name, store: store)
    }

    /// The trigger's name.
    public var name: String { definition.name }

    /// The newest recorded fire (read when the trigger started, kept current).
    public func lastFire() async -> FireLog.Record? { await log.summary.lastFire }

    /// Delivers `fire` unless the filter refuses it: records it in the fire log (once per id),
    /// then pushes it into its session (once). A fire whose id is recorded is pushed again only
    /// if its push is missing, and reported as ``FireOutcome/duplicate(_:)``.
    /// - Throws: store errors (the fire may be recorded and not yet pushed: the push is retried
    ///   when the trigger restarts, or when the same fire comes again).
    public func fire(_ fire: TriggerFire) async throws -> FireOutcome {
        if let filter, !filter.accepts(filterEvent(fire)) {
            logger.debug("fire filtered out", metadata: ["trigger": "\(name)", "fire": "\(fire.id)"])
            return .filtered
        }
        let session = FireDelivery.session(for: definition.target, trigger: name, fireID: fire.id, time: fire.time)
        let digest = try await store.put(fire.payload)
        let (record, isNew) = try await log.claim(fire, session: session, payload: digest)
        if try await delivery.deliver(record, target: definition.target) { observer?(definition, record.session) }
        let receipt = FireReceipt(fireID: record.fireID, session: record.session, ledgerSeq: record.seq, time: record.time)
        return isNew ? .recorded(receipt) : .duplicate(receipt)
    }

    /// Records an error the trigger met (shown as its last error).
    public func report(_ error: any Error) async {
        logger.error("trigger failed", metadata: ["trigger": "\(name)", "error": "\(error)"])
        do { try await log.recordError(String(describing: error)) } catch {
            logger.error("cannot record the trigger's error", metadata: ["trigger": "\(name)", "error": "\(error)"])
        }
    }

    /// Pushes every fire recorded since the last checkpoint that is not yet in its session, then
    /// writes a checkpoint: run when the trigger starts and every few hundred fires.
    /// - Throws: store errors.
    public func checkpoint() async throws {
        try await log.catchUp()
        let through = await log.knownLength
        for record in await log.undelivered() {
            do {
                if try await delivery.deliver(record, target: definition.target) {
                    observer?(definition, record.session)
                    logger.notice("delivered a fire recorded before a crash", metadata: ["trigger": "\(name)", "fire": "\(record.fireID)"])
                }
            } catch let error as CairnError where !error.isInfrastructure {
                await report(error)
            }
        }
        try await log.checkpoint(through: through)
    }

    private func filterEvent(_ fire: TriggerFire) -> FilterEvent {
        let payload: JSONValue
        if let value = try? JSONValue(parsing: String(decoding: fire.payload, as: UTF8.self)) {
            payload = value
        } else if let text = String(data: fire.payload, encoding: .utf8) {
            payload = .string(text)
        } else {
            payload = .null
        }
        return FilterEvent(payload: payload, metadata: fire.metadata, triggerType: definition.kind, triggerID: name, eventID: fire.id)
    }
}
