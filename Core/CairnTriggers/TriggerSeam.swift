public import CairnCore
public import Foundation

/// What a trigger-kind factory receives: the definition, its options located for messages, the
/// store (for kinds that watch it) and what the running assembly shares.
public struct TriggerConfiguration: Sendable {
    /// The trigger's definition.
    public var definition: TriggerDefinition
    /// The kind's own keys, located at `triggers.NAME`; factories refuse keys they do not know.
    public var options: ComponentOptions
    /// The store the trigger's fires are recorded in.
    public var store: any Store
    /// What the assembly shares and releases at shutdown.
    public var resources: ComponentResources

    /// Creates a configuration.
    public init(
        definition: TriggerDefinition, store: any Store, resources: ComponentResources = ComponentResources(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.definition = definition
        self.options = ComponentOptions(
            location: "triggers.\(definition.name)", values: definition.options, baseDirectory: definition.baseDirectory,
            environment: environment)
        self.store = store
        self.resources = resources
    }
}

extension Seam where Configuration == TriggerConfiguration, Component == any Trigger {
    /// Trigger kinds by name (`cron`, `interval`, `webhook`, `file_watch`, `event`, ...), named by
    /// a trigger's `type:`.
    public static var trigger: Self { Seam("trigger kind") }
}
