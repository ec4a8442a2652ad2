import CairnCLI
import CairnCore
import CairnFileStore
import CairnS3Store
import CairnSQLiteStore
import Foundation
import Logging

// The composition executable: choose the adapters this build offers and hand them to the CLI.
let level = ProcessInfo.processInfo.environment["CAIRN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

var registry = StoreRegistry()
registry.register(scheme: "file") { url, create in try FileStore(url: url, create: create) }
registry.register(scheme: "sqlite") { url, create in try SQLiteStore(url: url, create: create) }
registry.register(scheme: "s3") { url, create in try S3Store(url: url, create: create) }
registry.registerPools(scheme: "sqlite") { url in try SQLiteWorkPool(url: url) }
await CairnCommand.main(registry: registry)
