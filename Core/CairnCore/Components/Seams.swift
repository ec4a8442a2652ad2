public import Foundation

/// What a model-provider factory receives: the model's name and the provider's own keys of the
/// `model:` mapping (everything but `provider`, `name`, `max_tokens`, `temperature`, `prices`).
public struct ProviderConfiguration: Sendable {
    /// The model's name at the provider, if the file gave one.
    public var model: String?
    /// The provider's keys (`base_url`, `api_key_env`, `script`, ...), located for messages.
    public var options: ComponentOptions

    /// Creates a configuration.
    public init(model: String?, options: ComponentOptions) {
        self.model = model
        self.options = options
    }
}

/// A configured model provider: the provider, the model name requests use, and the secret
/// values the agent must redact wherever they appear (an API key a provider error might echo).
public struct ConfiguredModel: Sendable {
    /// The provider.
    public var provider: any ModelProvider
    /// The model's name in requests.
    public var model: String
    /// Values to redact from everything recorded.
    public var secrets: [String]

    /// Creates a configured model.
    public init(provider: any ModelProvider, model: String, secrets: [String] = []) {
        self.provider = provider
        self.model = model
        self.secrets = secrets
    }
}

/// What a tool factory receives: its options and what the operator allows.
public struct ToolConfiguration: Sendable {
    /// The tool entry's options (`folder`, `headers`, ...), located for messages.
    public var options: ComponentOptions
    /// The hosts network tools may reach: the operator's list, narrowed by the agent file.
    public var allowedHosts: HostAllowlist
    /// The agent's secrets, for tools that send them (`${secret:NAME}` in headers).
    public var secrets: SecretVault?

    /// Creates a configuration.
    public init(options: ComponentOptions, allowedHosts: HostAllowlist = .denyAll, secrets: SecretVault? = nil) {
        self.options = options
        self.allowedHosts = allowedHosts
        self.secrets = secrets
    }
}

/// What a handler-kind factory receives: its entry of the configuration file, the shared
/// resources of the running assembly, and the registry (to resolve what the handler names).
public struct HandlerConfiguration: Sendable {
    /// The configuration entry.
    public var spec: HandlerSpec
    /// The entry's other keys as options located at `handlers.AGENT`.
    public var options: ComponentOptions
    /// What handlers of this assembly share and release at shutdown.
    public var resources: ComponentResources
    /// Every component of this build.
    public var components: Components

    /// Creates a configuration.
    public init(
        spec: HandlerSpec, resources: ComponentResources, components: Components,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.spec = spec
        self.options = ComponentOptions(
            location: "handlers.\(spec.agent)", values: spec.options, baseDirectory: spec.baseDirectory,
            environment: environment)
        self.resources = resources
        self.components = components
    }
}

extension Seam where Configuration == ProviderConfiguration, Component == ConfiguredModel {
    /// Model providers by name (`openai`, `anthropic`, `scripted`, ...), named by `model.provider`
    /// in agent files.
    public static var modelProvider: Self { Seam("model provider") }
}

extension Seam where Configuration == ToolConfiguration, Component == [any Tool] {
    /// Tools by name (`read_file`, `http_get`, ...), named in an agent file's `tools:`. A factory
    /// may return several tools (one server's worth).
    public static var tool: Self { Seam("tool") }
}

extension Seam where Configuration == HandlerConfiguration, Component == any Handler {
    /// Handler kinds by configuration key (`command`, `rpc`, `agent_file`, ...), named in a
    /// server configuration's `handlers:` entries.
    public static var handler: Self { Seam("handler kind") }
}
