import CairnAgentFile
import CairnCLI
import CairnCore
import CairnFileStore
import CairnFileTools
import CairnSQLiteStore
import Foundation

// A minimal composition: the embedded stores (file, SQLite), offline agents (the scripted
// provider, file tools) and the session commands; no HTTP stack, no network. It shows how to
// pick and mix: every line names a target the build links, and nothing else is linked.
CairnCommand.bootstrapLogging()

var components = Components()
FileStore.register(in: &components)
SQLiteStore.register(in: &components)
FileToolComponents.register(in: &components)

await CairnCommand.main(components: components, commands: AgentFileCommands.commands)
