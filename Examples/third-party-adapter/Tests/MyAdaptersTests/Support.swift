import CairnCore
import Foundation
import Synchronization

/// A new, empty folder under the system's temporary folder.
func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("my-adapters-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// This package's folder (the one holding Package.swift), found from this file's path.
let packageFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// Collects what an observer sees, from any task.
final class Recorder<Event: Sendable>: Sendable {
    private let events = Mutex<[Event]>([])

    func append(_ event: Event) { events.withLock { $0.append(event) } }
    var all: [Event] { events.withLock { $0 } }
}

/// The events of `provider`'s answer to `request`, in order.
func collectEvents(of provider: any ModelProvider, _ request: ModelRequest) async throws -> [ModelEvent] {
    var result: [ModelEvent] = []
    for try await event in provider.stream(request) { result.append(event) }
    return result
}
