public import CairnCore

/// Called after a fire was pushed into its session (not for duplicates already there): lets the
/// owner of the session (an agent process) act on the new entry at once instead of polling.
public typealias FireObserver = @Sendable (_ trigger: TriggerDefinition, _ session: SessionID) -> Void

/// Serves trigger endpoints that want a port of their own (a webhook with `webhook_port`) while
/// the server runs: a frontend implements it (the HTTP server opens a listener per port).
public protocol IngressHost: Sendable {
    /// Starts serving `ingress` at its host and port; returns once requests are accepted there.
    /// - Throws: when the address cannot be bound (in use, not allowed), with a message naming it.
    func open(_ ingress: TriggerIngress) async throws -> any IngressListener
}

/// An endpoint an ``IngressHost`` opened.
public protocol IngressListener: Sendable {
    /// Stops serving the endpoint; returns once it no longer accepts requests.
    func close() async
}
