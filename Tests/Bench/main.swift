// cairn-bench: the figures `make bench` prints. Build in release mode; run from the repository root.
import CairnCore
import CairnFileStore
import CairnProcessHandler
import CairnS3Store
import CairnTestSupport
import Foundation

func seconds(_ work: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await work()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func report(_ store: String, _ what: String, _ value: Double, _ unit: String) {
    print("\(store.padding(toLength: 8, withPad: " ", startingAt: 0)) \(what.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%12.1f", value)) \(unit)")
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: scratch) }
let now = Date()
func draft(_ i: Int) -> EntryDraft {
    EntryDraft(event: .push, header: ObjectHeader(contentType: "application/json", name: "n\(i % 10)", metadata: ["i": "\(i)"]),
               digest: Digest(of: Data("\(i)".utf8)), size: 8, time: now, source: "bench")
}

func newSession(_ store: any Store) async throws -> SessionID {
    try await Sessions(store: store).create(source: "bench").id
}

let quick = ProcessInfo.processInfo.environment["CAIRN_BENCH_QUICK"] != nil
let singles = quick ? 200 : 2000
let batches = quick ? 10 : 100
let replayEntries = quick ? 10_000 : 100_000

print("Cairn benchmarks (\(quick ? "quick" : "full") run) — \(ProcessInfo.processInfo.activeProcessorCount) cores")
print(String(repeating: "-", count: 80))
var singleRates: [String: Double] = [:]
for name in ["memory", "file"] {
    func open(_ tag: String) throws -> any Store {
        name == "memory" ? MemoryStore() : try FileStore(root: scratch + "/" + tag)
    }
    // Durable single appends: one entry per compare-and-swap append, each fsynced before it returns.
    let single = try open("single")
    let id = try await newSession(single)
    let singleTime = try await seconds {
        for i in 0..<singles { _ = try await single.append([draft(i)], to: id, expectedLength: i + 1) }
    }
    singleRates[name] = Double(singles) / singleTime
    report(name, "durable single appends/s", Double(singles) / singleTime, "appends/s")

    // Batched appends: 1000 entries per append.
    let batched = try open("batched")
    let batchID = try await newSession(batched)
    let batchTime = try await seconds {
        for b in 0..<batches {
            _ = try await batched.append((0..<1000).map { draft(b * 1000 + $0) }, to: batchID, expectedLength: 1 + b * 1000)
        }
    }
    report(name, "batched appends/s (1000 per batch)", Double(batches * 1000) / batchTime, "entries/s")

    // Cold replay: a fresh store instance reads a long session from the start.
    let long = try open("replay")
    let longID = try await newSession(long)
    for b in 0..<(replayEntries / 1000) {
        _ = try await long.append((0..<1000).map { draft(b * 1000 + $0) }, to: longID, expectedLength: 1 + b * 1000)
    }
    let cold: any Store = name == "memory" ? long : try FileStore(root: scratch + "/replay")
    var count = 0
    let replayTime = try await seconds { count = try await SessionLog(store: cold).entries(of: longID).count }
    report(name, "cold replay of a \(replayEntries / 1000)k-entry session", Double(count) / replayTime, "entries/s")
}
if let memory = singleRates["memory"], let file = singleRates["file"] {
    report("ratio", "memory / file single appends", memory / file, "x")
}

// The S3 store against moto (a Python S3 server) on loopback: these figures measure moto's
// request rate more than Cairn's, and say little about AWS S3 latencies.
do {
    let moto = try MotoServer.shared()
    let bucket = MotoServer.uniqueBucket("bench")
    let client = S3Client(configuration: S3ClientConfiguration(
        bucket: bucket, region: "us-east-1", endpoint: URL(string: moto.url),
        credentials: S3Credentials(accessKeyID: "bench", secretAccessKey: "bench")))
    try await client.createBucket()
    func openS3() -> S3Store { S3Store(client: client, options: .init(prefix: "bench", compactEvery: nil)) }
    let label = "s3/moto"
    print("\(label): S3 store against moto_server on 127.0.0.1 (not AWS)")
    let s3Singles = quick ? 50 : 300
    let single = openS3()
    let id = try await newSession(single)
    let singleTime = try await seconds {
        for i in 0..<s3Singles { _ = try await single.append([draft(i)], to: id, expectedLength: i + 1) }
    }
    report(label, "durable single appends/s", Double(s3Singles) / singleTime, "appends/s")

    let s3Batches = quick ? 3 : 10
    let batchID = try await newSession(single)
    let batchTime = try await seconds {
        for b in 0..<s3Batches {
            _ = try await single.append((0..<1000).map { draft(b * 1000 + $0) }, to: batchID, expectedLength: 1 + b * 1000)
        }
    }
    report(label, "batched appends/s (1000 per batch)", Double(s3Batches * 1000) / batchTime, "entries/s")

    let s3Replay = quick ? 10_000 : 50_000
    let longID = try await newSession(single)
    for b in 0..<(s3Replay / 1000) {
        _ = try await single.append((0..<1000).map { draft(b * 1000 + $0) }, to: longID, expectedLength: 1 + b * 1000)
    }
    var count = 0
    let batchesTime = try await seconds { count = try await SessionLog(store: openS3()).entries(of: longID).count }
    report(label, "cold replay of \(s3Replay / 1000)k entries, \(s3Replay / 1000) batch objects", Double(count) / batchesTime, "entries/s")
    _ = try await single.compact(session: longID)
    let segmentTime = try await seconds { count = try await SessionLog(store: openS3()).entries(of: longID).count }
    report(label, "cold replay of \(s3Replay / 1000)k entries, 1 segment", Double(count) / segmentTime, "entries/s")
    moto.stop()
} catch {
    print("s3/moto  skipped: could not start moto_server on 127.0.0.1 (\(error)); 'make python-deps' installs it")
}

// Per-invocation overhead of a trivial process handler, next to a bare `python3 -c pass`.
let invocations = quick ? 5 : 20
let server = try await ObjectServer.start()
func spawnTime(_ arguments: [String]) throws -> Double {
    let start = ContinuousClock.now
    for _ in 0..<invocations {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
    }
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / Double(invocations)
}
let bare = try spawnTime(["python3", "-c", "pass"])
report("process", "bare python3 -c pass", bare * 1000, "ms")
let handlers: [(String, String)] = [
    ("trivial handler (plain python)", "import sys; sys.stdin.read(); print('{\"data\":\"\",\"content-type\":\"application/vnd.pugmark.pause+text\"}')"),
    ("trivial handler (pugmark SDK)", "import pugmark; pugmark.pause('bench')"),
]
for (label, code) in handlers {
    if label.contains("pugmark"), (try? spawnTime(["python3", "-c", "import pugmark"])) == nil { continue }
    let store = try FileStore(root: scratch + "/process-\(label.count)")
    let handler = try ProcessHandler(command: ["python3", "-c", code], server: server)
    let runtime = Runtime(store: store, handler: handler)
    let sessions = Sessions(store: store)
    let id = try await newSession(store)
    _ = try await runtime.drive(id)
    let time = try await seconds {
        for i in 0..<invocations {
            try await sessions.push(Data("\(i)".utf8), header: ObjectHeader(contentType: "application/json"), to: id, source: "bench")
            _ = try await runtime.drive(id)
        }
    }
    let perInvocation = time / Double(invocations)
    report("process", "\(label) per invocation", perInvocation * 1000, "ms")
    report("process", "  overhead over bare python3", (perInvocation - bare) * 1000, "ms")
}
await server.shutdown()
