import CairnCore
import CairnFileStore
import CairnProcesses
import CairnTriggers
import CairnWebhookTrigger
import Foundation
import Logging

/// Agent processes: resident memory per idle (running, nothing queued) process with 1,000 and
/// 10,000 deployed on the file store, and how long after a trigger's fire its run starts (the
/// fire durable in the process's log → the `invocation_start` entry).
struct AgentProcessBench {
    let scratch: String
    let idle: [Int]
    let fires: Int

    /// A model that answers at once.
    struct InstantModel: ModelProvider {
        func stream(_ request: ModelRequest) -> AsyncThrowingStream<ModelEvent, any Error> {
            AsyncThrowingStream { continuation in
                continuation.yield(.text("ok"))
                continuation.yield(.stop(.endTurn))
                continuation.finish()
            }
        }
    }

    func components() -> Components {
        var components = Components()
        components.register(.modelProvider, "bench") { _ in ConfiguredModel(provider: InstantModel(), model: "instant") }
        WebhookTrigger.register(in: &components)
        return components
    }

    func run() async throws {
        try await idleProcesses()
        try await fireToRunStart()
    }

    /// Resident set size in bytes (Linux `/proc/self/statm`).
    static func residentBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Double(fields[1]) ?? 0) * 4096 : 0
    }

    private func idleProcesses() async throws {
        var logger = Logger(label: "cairn.bench.processes")
        logger.logLevel = .warning
        let store = try FileStore(root: scratch + "/agent-processes-idle")
        let service = ProcessService(store: store, components: components(), triggers: nil, logger: logger)
        let config = JSONValue.object(["model": .string("bench:instant"), "inbox": .object(["enabled": .bool(true)])])
        var deployed = 0
        let baseline = Self.residentBytes()
        for target in idle {
            let time = try await seconds {
                while deployed < target {
                    _ = try await service.deploy(name: "idle-\(deployed)", config: config, start: true)
                    deployed += 1
                }
            }
            await service.runDue()
            let perProcess = (Self.residentBytes() - baseline) / Double(target)
            report("process", "memory per idle process, \(target) deployed", perProcess / 1024, "KiB")
            report("process", "deploys + starts per second (to \(target))", Double(idle.first == target ? target : target - idle[0]) / time, "/s")
        }
    }

    private func fireToRunStart() async throws {
        var logger = Logger(label: "cairn.bench.processes")
        logger.logLevel = .warning
        let store = try FileStore(root: scratch + "/agent-processes-fire")
        let components = components()
        let triggers = TriggerService(store: store, components: components, configured: [], logger: logger)
        try await triggers.prepare()
        let service = ProcessService(store: store, components: components, triggers: triggers, pollInterval: 0.05, logger: logger)
        let config = JSONValue.object([
            "model": .string("bench:instant"),
            "triggers": .array([.object(["type": .string("webhook"), "webhook_path": .string("/hooks/bench"), "hmac_secret": .string("s")])]),
        ])
        let record = try await service.deploy(name: "fired", config: config, start: true)
        guard case .object(let trigger)? = try await service.triggerListing("fired").first, let id = trigger["id"]?.stringValue else { return }
        let name = "process-\(record.processID)-\(id)"
        let dispatcher = Task { await service.run() }
        let runner = Task { await triggers.run() }
        var latencies: [Double] = []
        for n in 0..<fires {
            let started = try await service.snapshot("fired").runsStarted
            let sent = ContinuousClock.now
            _ = try await triggers.fire(name, payload: Data("{\"n\": \(n)}".utf8), contentType: ContentTypes.json)
            while try await service.snapshot("fired").runsStarted == started { try await Task.sleep(for: .milliseconds(1)) }
            latencies.append((ContinuousClock.now - sent).seconds * 1000)
            while try await !service.snapshot("fired").inFlight.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        }
        dispatcher.cancel()
        runner.cancel()
        latencies.sort()
        report("process", "trigger fire → run start, p50", latencies[latencies.count / 2], "ms")
        report("process", "trigger fire → run start, p95", latencies[latencies.count * 95 / 100], "ms")
    }
}
