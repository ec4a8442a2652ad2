public import Foundation
public import Logging

extension CairnCommand {
    /// Sends swift-log to stderr at the level `CAIRN_LOG_LEVEL` names (`trace` ... `critical`;
    /// default `warning`), as Cairn's binaries do. Call it once, first thing in `main.swift`.
    public static func bootstrapLogging(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let level = environment["CAIRN_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
