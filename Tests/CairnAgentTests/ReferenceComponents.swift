import CairnAgentFile
import CairnAnthropic
import CairnCore
import CairnFileTools
import CairnHTTPTools
import CairnOpenAI

/// The providers and tools of the reference `cairn` binary, for loading agent files in tests.
func referenceComponents() -> Components {
    var components = Components()
    OpenAIProvider.register(in: &components)
    AnthropicProvider.register(in: &components)
    FileToolComponents.register(in: &components)
    HTTPToolComponents.register(in: &components)
    AgentFileHandlerKind.register(in: &components)
    return components
}
