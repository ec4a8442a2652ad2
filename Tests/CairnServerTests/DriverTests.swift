import CairnCore
import CairnServer
import Foundation
import Synchronization
import Testing

/// The order in which sessions were invoked, by agent name.
final class InvocationLog: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

@Suite("Session driver")
struct DriverTests {
    /// Polls `condition` every 10 ms for up to `timeout`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { Issue.record("timed out waiting for \(what)"); throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A server whose `default` handler is an in-process closure, registered as a handler kind
    /// through the same seam a composition executable uses for its own kinds.
    func server(store: any Store, concurrency: Int, handler: @escaping @Sendable (Invocation) async throws -> [HandlerOutput]) async throws -> CairnServer {
        var components = Components()
        components.register(.handler, "inline") { _ in ClosureHandler(handler) }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.concurrency = concurrency
        configuration.maxInvocations = 100_000
        configuration.pollInterval = .milliseconds(50)
        configuration.handlers = [HandlerSpec(agent: "default", kind: "inline", value: .null, baseDirectory: "/")]
        return try await CairnServer(configuration: configuration, store: store, components: components, signals: false)
    }

    @Test func aSessionThatNeverPausesDoesNotStarveANewOne() async throws {
        let store = MemoryStore()
        let log = InvocationLog()
        let server = try await server(store: store, concurrency: 1) { invocation in
            log.append(invocation.session.agent)
            guard invocation.session.agent == "busy" else { return [] }  // pauses
            try await Task.sleep(for: .milliseconds(5))
            return [HandlerOutput(header: ObjectHeader(contentType: ContentTypes.text), body: .data(Data("again".utf8)))]
        }
        let running = Task { try await server.run() }
        let busy = try await server.services.sessions.create(agent: "busy", source: "test")
        server.services.driver.notify(busy.id)
        try await waitUntil("the busy session to run a while") { log.all.count >= 5 }

        let before = log.all.count
        let calm = try await server.services.sessions.create(agent: "calm", source: "test")
        server.services.driver.notify(calm.id)
        try await waitUntil("the calm session's turn") { log.all.contains("calm") }
        let turn = try #require(log.all.firstIndex(of: "calm"))
        // Round-robin: at most the busy session's turn in flight (or already queued) comes first.
        #expect(turn <= before + 1, "the calm session waited \(turn - before) turns")
        try await waitUntil("the calm session to pause") {
            try await SessionLog(store: store).head(of: calm.id).last?.event == .pause
        }

        await server.shutdown()
        try await running.value
        let stopped = log.all.count
        #expect(try await SessionLog(store: store).head(of: busy.id).length >= stopped - 1)
    }

    @Test func concurrentInvocationsAreLimited() async throws {
        let store = MemoryStore()
        let active = Mutex((now: 0, peak: 0))
        let done = InvocationLog()
        let server = try await server(store: store, concurrency: 3) { invocation in
            active.withLock {
                $0.now += 1; $0.peak = max($0.peak, $0.now)
            }
            try await Task.sleep(for: .milliseconds(20))
            active.withLock { $0.now -= 1 }
            done.append(invocation.session.id.rawValue)
            return []
        }
        let running = Task { try await server.run() }
        var ids: [SessionID] = []
        for _ in 0..<12 {
            let info = try await server.services.sessions.create(source: "test")
            server.services.driver.notify(info.id)
            ids.append(info.id)
        }
        try await waitUntil("every session to pause") {
            for id in ids where try await SessionLog(store: store).head(of: id).last?.event != .pause { return false }
            return true
        }
        #expect(active.withLock { $0.peak } <= 3)
        #expect(active.withLock { $0.peak } >= 2, "invocations ran one at a time")
        #expect(Set(done.all).count == 12)
        await server.shutdown()
        try await running.value
    }
}
