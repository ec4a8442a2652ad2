import CairnCore
import CairnFileStore
import CairnTestSupport
import Foundation

/// Drives one session with a workflow under the runtime, on a file store in a temporary folder.
struct Driver {
    let folder = TemporaryFolder()
    let store: FileStore
    let clock = ManualWallClock()
    let effects = Effects()
    let session: SessionID

    init(agent: String = "fulfilment") async throws {
        store = try FileStore(root: folder.path)
        session = try await Sessions(store: store, clock: clock).create(agent: agent, metadata: ["team": "ops"], source: "test").id
    }

    func push(_ json: String, name: String) async throws {
        try await Sessions(store: store, clock: clock).push(
            Data(json.utf8), header: ObjectHeader(contentType: ContentTypes.json, name: name),
            to: session, source: "test")
    }

    @discardableResult
    func drive<W: Workflow>(_ workflow: W) async throws -> SessionStatus {
        let runtime = Runtime(store: store, handler: WorkflowHandler(workflow, clock: clock), clock: clock)
        _ = try await runtime.wakeDueTimers()
        return try await runtime.drive(session).status
    }

    /// The history as `cairn export` writes it, read back as a test reads its fixture.
    func exportThroughJSON() async throws -> SessionHistory {
        try SessionHistory(json: try await SessionHistory.export(session, from: store).jsonData())
    }

    func cleanup() { folder.cleanup() }
}

/// The histories of one run of ``Fulfilment``: waiting for its signal, with the signal pushed
/// but not handled yet, sleeping on its timer, and finished.
struct Recording {
    let driver: Driver
    let waiting: SessionHistory
    let signalled: SessionHistory
    let sleeping: SessionHistory
    let finished: SessionHistory

    var effects: Effects { driver.effects }

    init() async throws {
        driver = try await Driver()
        let workflow = Fulfilment(effects: driver.effects)
        try await driver.push(#""A-1""#, name: "input")
        try await driver.drive(workflow)
        waiting = try await driver.exportThroughJSON()
        try await driver.push("true", name: "approval")
        signalled = try await driver.exportThroughJSON()
        try await driver.drive(workflow)
        sleeping = try await driver.exportThroughJSON()
        driver.clock.advance(by: 61)
        try await driver.drive(workflow)
        finished = try await driver.exportThroughJSON()
    }
}
