import CairnAgentFile
import CairnCLI
import CairnCore
import CairnFileStore
import CairnFileTools
import CairnSQLiteStore
import Foundation
import Logging

// A minimal composition: the embedded stores (file, SQLite), offline agents (the scripted
// provider, file tools) and the session commands; no HTTP stack, no network. It shows how to
// pick and mix: every line names a target the build links, and nothing else is linked.
let level = ProcessInfo.processInfo.environment["CAIRN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

var components = Components()
FileStore.register(in: &components)
SQLiteStore.register(in: &components)
FileToolComponents.register(in: &components)

await CairnCommand.main(components: components, commands: AgentFileCommands.commands)
