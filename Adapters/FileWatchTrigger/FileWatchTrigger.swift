public import CairnCore
public import CairnTriggers
import Foundation
import Logging

/// The `file_watch` trigger kind: fires when files in a folder are created, modified, deleted or
/// moved, one fire per debounced batch of changes.
///
/// Options (promptise's names): `watch_path` (required), `watch_patterns`, `watch_events`,
/// `watch_recursive`, `watch_debounce_seconds` (default 0.5), `watch_backend` (`auto`, `inotify`,
/// `poll`), `watch_poll_interval` (default 1 s), `watch_max_pending_events` (default 1000: a larger
/// batch is split). The payload is `{"changes": [{"kind", "path", "previous_path"?}]}`, plus
/// `"rescanned": true` after the kernel's event queue overflowed and the folder was rescanned.
/// A folder is local to a machine: each node watching one records its own fires.
public struct FileWatchTrigger: Trigger {
    /// The keys it takes.
    public static let keys: Set<String> = [
        "watch_path", "watch_patterns", "watch_events", "watch_recursive", "watch_debounce_seconds", "watch_backend",
        "watch_poll_interval", "watch_max_pending_events",
    ]

    let watcher: FileWatcher

    /// Reads the options of `configuration` and checks the folder and the patterns.
    /// - Throws: ``ComponentError/invalid(_:_:)`` naming the key and the value.
    public init(_ configuration: TriggerConfiguration) throws {
        let options = configuration.options
        try options.allowing(Self.keys)
        guard let folder = try options.path("watch_path") else {
            throw options.invalid("watch_path is required: the folder to watch (relative paths resolve against the configuration file's folder)")
        }
        var settings = FileWatchOptions(folder: folder)
        settings.patterns = try options.strings("watch_patterns") ?? []
        if let names = try options.strings("watch_events") {
            var events = Set<FileChangeKind>()
            for name in names {
                guard let kind = FileChangeKind(rawValue: name) else {
                    throw options.invalid("watch_events: '\(name.prefix(40))' is not one of created, modified, deleted, moved")
                }
                events.insert(kind)
            }
            settings.events = events
        }
        settings.recursive = try options.bool("watch_recursive") ?? false
        if let debounce = try options.number("watch_debounce_seconds", in: 0...3600) { settings.debounce = .milliseconds(Int(debounce * 1000)) }
        if let backend = try options.string("watch_backend") {
            guard let value = FileWatchBackend(rawValue: backend) else {
                throw options.invalid("watch_backend must be auto, inotify or poll, not '\(backend.prefix(40))'")
            }
            settings.backend = value
        }
        settings.pollInterval = try options.seconds("watch_poll_interval", default: .seconds(1))
        settings.maxPending = try options.integer("watch_max_pending_events", in: 1...1_000_000) ?? 1000
        do { watcher = try FileWatcher(settings) } catch { throw options.invalid(error.description) }
    }

    public func run(_ context: TriggerContext) async throws {
        try await watcher.runBatches { batch in
            var object: [String: JSONValue] = [
                "changes": .array(
                    batch.changes.map { change in
                        var item: [String: JSONValue] = ["kind": .string(change.kind.rawValue), "path": .string(change.path)]
                        if let previous = change.previousPath { item["previous_path"] = .string(previous) }
                        return .object(item)
                    })
            ]
            if batch.rescanned { object["rescanned"] = .bool(true) }
            let fire = TriggerFire.json(
                id: "files-\(UUID().uuidString.lowercased())", time: context.clock.now(), .object(object),
                metadata: ["changes": String(batch.changes.count)])
            // A batch is delivered once: retry while the store is down rather than dropping it.
            while !Task.isCancelled {
                do {
                    _ = try await context.fire(fire)
                    return
                } catch is CancellationError {
                    return
                } catch {
                    await context.report(error)
                    do { try await Task.sleep(for: .seconds(1)) } catch { return }
                }
            }
        }
        try Task.checkCancellation()
    }

    /// Registers the kind as `file_watch`.
    public static func register(in components: inout Components) {
        components.register(.trigger, "file_watch", summary: "fires on files created, modified, deleted or moved in a folder") { configuration in
            try FileWatchTrigger(configuration)
        }
    }
}
