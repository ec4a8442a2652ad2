import AsyncHTTPClient
import CairnCore
import CairnFileStore
import CairnServer
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// `cairn serve` over loopback HTTP: pushes per second and their latency at 1 and 64 concurrent
/// clients (AsyncHTTPClient as the load generator, one session per client, file store), and how
/// long an entry takes to reach 100 Server-Sent Events subscribers.
struct ServeBench {
    let scratch: String
    let pushes: Int
    let events: Int

    func run() async throws {
        let store = try FileStore(root: scratch + "/serve")
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.pollInterval = .milliseconds(200)
        let port = Mutex(0)
        var logger = Logger(label: "cairn.bench.serve")
        logger.logLevel = .warning
        let server = try await CairnServer(configuration: configuration, store: store, signals: false, logger: logger) { _, bound in
            port.withLock { $0 = bound }
        }
        let running = Task { try await server.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let base = "http://127.0.0.1:\(port.withLock { $0 })"
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)

        for clients in [1, 64] {
            try await pushLoad(base: base, client: client, clients: clients)
        }
        try await streamLatency(base: base, client: client, subscribers: 100)

        try await client.shutdown()
        await server.shutdown()
        try await running.value
    }

    private func createSession(_ base: String, _ client: HTTPClient) async throws -> String {
        var request = HTTPClientRequest(url: base + "/v1/sessions")
        request.method = .POST
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard response.status == .created, let id = object?["id"] as? String else { throw BenchError("create failed: \(response.status)") }
        return id
    }

    private func push(_ base: String, _ client: HTTPClient, session: String, body: String) async throws {
        var request = HTTPClientRequest(url: "\(base)/v1/sessions/\(session)/entries")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created else { throw BenchError("push failed: \(response.status)") }
    }

    private func pushLoad(base: String, client: HTTPClient, clients: Int) async throws {
        var sessions: [String] = []
        for _ in 0..<clients { sessions.append(try await createSession(base, client)) }
        let perClient = max(1, pushes / clients)
        let start = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for session in sessions {
                group.addTask {
                    var times: [Double] = []
                    for n in 0..<perClient {
                        let sent = ContinuousClock.now
                        try await push(base, client, session: session, body: "{\"n\":\(n)}")
                        times.append((ContinuousClock.now - sent).seconds)
                    }
                    return times
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let label = "HTTP push, \(clients) client\(clients == 1 ? "" : "s") (file store)"
        report("serve", label, Double(latencies.count) / elapsed, "pushes/s")
        report("serve", "  p50 latency", percentile(latencies, 0.50) * 1000, "ms")
        report("serve", "  p99 latency", percentile(latencies, 0.99) * 1000, "ms")
    }

    private func streamLatency(base: String, client: HTTPClient, subscribers: Int) async throws {
        let session = try await createSession(base, client)
        let stats = StreamStats()
        let sent = stats.sent, delays = stats.delays, delivered = stats.delivered, connected = stats.connected
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<subscribers {
                group.addTask {
                    var request = HTTPClientRequest(url: "\(base)/v1/sessions/\(session)/stream?from=1")
                    request.headers.add(name: "Accept", value: "text/event-stream")
                    let response = try await client.execute(request, timeout: .seconds(300))
                    connected.withLock { $0 += 1 }
                    var pending = ""
                    var seen = 0
                    for try await buffer in response.body {
                        pending += String(buffer: buffer)
                        while let newline = pending.firstIndex(of: "\n") {
                            let line = pending[..<newline]
                            pending = String(pending[pending.index(after: newline)...])
                            guard line.hasPrefix("id: "), let seq = Int(line.dropFirst(4)) else { continue }
                            let now = ContinuousClock.now
                            if let at = sent.withLock({ $0[seq] }) { delays.withLock { $0.append((now - at).seconds) } }
                            delivered.withLock { $0 += 1 }
                            seen += 1
                            if seen == events { return }
                        }
                    }
                }
            }
            while connected.withLock({ $0 }) < subscribers { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(100))  // let every stream reach its wait
            for n in 0..<events {
                sent.withLock { $0[n + 1] = ContinuousClock.now }
                try await push(base, client, session: session, body: "{\"event\":\(n)}")
                // One entry at a time: wait until every subscriber has it, so each delay is one delivery.
                let target = (n + 1) * subscribers
                let deadline = ContinuousClock.now + .seconds(30)
                while delivered.withLock({ $0 }) < target, ContinuousClock.now < deadline { try await Task.sleep(for: .microseconds(200)) }
            }
            try await group.waitForAll()
        }
        let samples = delays.withLock { $0 }
        report("serve", "SSE delivery to \(subscribers) subscribers, p50", percentile(samples, 0.50) * 1000, "ms")
        report("serve", "SSE delivery to \(subscribers) subscribers, p99", percentile(samples, 0.99) * 1000, "ms")
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

/// What the SSE subscribers of the benchmark share.
final class StreamStats: Sendable {
    let sent = Shared<[Int: ContinuousClock.Instant]>([:])
    let delays = Shared<[Double]>([])
    let delivered = Shared(0)
    let connected = Shared(0)
}

/// A value behind a lock, shareable between tasks.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
