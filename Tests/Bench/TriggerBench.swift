import AsyncHTTPClient
import CairnCore
import CairnCronTrigger
import CairnFileStore
import CairnServer
import CairnTriggers
import CairnWebhookTrigger
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Triggers: signed webhook fires recorded per second through `cairn serve` at 1 and 64
/// concurrent senders (each fire: signature check, fire log append, a new session), and how long
/// after its due time a cron fire is durable in its session.
struct TriggerBench {
    let scratch: String
    let fires: Int
    let cronSeconds: Int
    static let secret = "bench-secret"

    func run() async throws {
        try await webhooks()
        try await cronLag()
    }

    private func webhooks() async throws {
        let store = try FileStore(root: scratch + "/triggers-webhook")
        var components = Components()
        WebhookTrigger.register(in: &components)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.triggers = [
            TriggerDefinition(
                name: "hook", kind: "webhook", options: ["hmac_secret": .string(Self.secret), "signature_scheme": .string("generic")],
                target: .newSession(agent: "bench"))
        ]
        let port = Mutex(0)
        var logger = Logger(label: "cairn.bench.triggers")
        logger.logLevel = .warning
        let server = try await CairnServer(configuration: configuration, store: store, components: components, signals: false, logger: logger) {
            _, bound in port.withLock { $0 = bound }
        }
        let running = Task { try await server.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let url = "http://127.0.0.1:\(port.withLock { $0 })/hooks/hook"
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        for senders in [1, 64] {
            let perSender = max(1, fires / senders)
            let start = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for sender in 0..<senders {
                    group.addTask {
                        var times: [Double] = []
                        for n in 0..<perSender {
                            let sent = ContinuousClock.now
                            try await post(client, url: url, delivery: "\(senders)-\(sender)-\(n)")
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
            report("trigger", "webhook fires, \(senders) sender\(senders == 1 ? "" : "s") (signed, file store)", Double(latencies.count) / elapsed, "fires/s")
            report("trigger", "  p50 latency", percentile(latencies, 0.50) * 1000, "ms")
            report("trigger", "  p99 latency", percentile(latencies, 0.99) * 1000, "ms")
        }
        try await client.shutdown()
        await server.shutdown()
        try await running.value
    }

    private func post(_ client: HTTPClient, url: String, delivery: String) async throws {
        let body = "{\"delivery\":\"\(delivery)\"}"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(Self.secret.utf8)))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Webhook-Id", value: delivery)
        request.headers.add(name: "X-Webhook-Signature", value: "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .accepted else { throw BenchError("webhook post failed: \(response.status)") }
    }

    /// A cron trigger firing every second for `cronSeconds` seconds on the system clock; the lag
    /// of a fire is from its due time to the moment its session's creation (holding the push) is durable.
    private func cronLag() async throws {
        let durable = Shared<[String: Date]>([:])
        let store = DurabilityTimes(base: try FileStore(root: scratch + "/triggers-cron"), times: durable)
        var components = Components()
        CronTrigger.register(in: &components)
        let definition = TriggerDefinition(
            name: "tick", kind: "cron", options: ["cron_expression": .string("* * * * * *"), "missed": .string("skip")],
            target: .newSession(agent: "bench"))
        let service = TriggerService(store: store, components: components, configured: [definition])
        try await service.prepare()
        let task = Task { await service.run() }
        try await Task.sleep(for: .seconds(cronSeconds))
        task.cancel()
        await task.value
        let lags = durable.withLock { $0 }.compactMap { fire, at in Timestamps.parse(fire).map { at.timeIntervalSince($0) } }
        report("trigger", "cron due time to durable push, p50 (\(lags.count) fires)", percentile(lags, 0.50) * 1000, "ms")
        report("trigger", "cron due time to durable push, p99", percentile(lags, 0.99) * 1000, "ms")
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}

/// A store that notes, per fire id, when the session holding the fire's push became durable.
struct DurabilityTimes: Store {
    let base: any Store
    let times: Shared<[String: Date]>

    func createSession(_ info: SessionInfo, initial: [EntryDraft]) async throws -> [Entry] {
        let entries = try await base.createSession(info, initial: initial)
        let now = Date()
        if let fire = initial.first(where: { $0.event == .push })?.header.metadata["fire"] { times.withLock { $0[fire] = now } }
        return entries
    }
    func sessionInfo(_ id: SessionID) async throws -> SessionInfo { try await base.sessionInfo(id) }
    func ownHead(_ id: SessionID) async throws -> (length: Int, last: Entry?) { try await base.ownHead(id) }
    func append(_ entries: [EntryDraft], to id: SessionID, expectedLength: Int) async throws -> [Entry] {
        try await base.append(entries, to: id, expectedLength: expectedLength)
    }
    func readOwn(_ id: SessionID, from: Int, limit: Int?) async throws -> [Entry] { try await base.readOwn(id, from: from, limit: limit) }
    func listSessions() async throws -> [SessionInfo] { try await base.listSessions() }
    func dueTimers(at now: Date) async throws -> [DueTimer] { try await base.dueTimers(at: now) }
    func put(_ data: Data) async throws -> CairnCore.Digest { try await base.put(data) }
    func get(_ digest: CairnCore.Digest) async throws -> Data { try await base.get(digest) }
    func contains(_ digest: CairnCore.Digest) async throws -> Bool { try await base.contains(digest) }
}
