import CairnAgentFile
import CairnAnthropic
import CairnCLI
import CairnCore
import CairnCronTrigger
import CairnEventTrigger
import CairnFileStore
import CairnFileTools
import CairnFileWatchTrigger
import CairnHTTPTools
import CairnIntervalTrigger
import CairnOpenAI
import CairnProcessCLI
import CairnProcessCommands
import CairnProcessHandler
import CairnS3Store
import CairnSQLiteStore
import CairnServer
import CairnWebhookTrigger
import Foundation

// The reference composition: every adapter this repository ships, and every command. This is
// the one place the `cairn` binary is assembled; a deployment composes its own the same way
// (Examples/third-party-adapter, Frontends/cairn-embedded).
CairnCommand.bootstrapLogging()

var components = Components()
FileStore.register(in: &components)
SQLiteStore.register(in: &components)
S3Store.register(in: &components)
OpenAIProvider.register(in: &components)
AnthropicProvider.register(in: &components)
FileToolComponents.register(in: &components)
HTTPToolComponents.register(in: &components)
ProcessHandlerKinds.register(in: &components)
AgentFileHandlerKind.register(in: &components)
CronTrigger.register(in: &components)
IntervalTrigger.register(in: &components)
EventTrigger.register(in: &components)
WebhookTrigger.register(in: &components)
FileWatchTrigger.register(in: &components)

await CairnCommand.main(
    components: components,
    commands: ProcessCommands.commands + AgentFileCommands.commands + ServerCommands.commands + ProcessCLICommands.commands)
