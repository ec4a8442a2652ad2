// cairn-bench: the figures `make bench` prints. Build in release mode; run from the repository root.
// CAIRN_BENCH_QUICK=1 makes every workload ten times smaller.
import CairnCore
import CairnFileStore
import CairnSQLiteStore
import Foundation

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

let quick = !(ProcessInfo.processInfo.environment["CAIRN_BENCH_QUICK"] ?? "").isEmpty
// CAIRN_BENCH_ONLY=agent,workflow runs only those sections (store, s3, process, pool, workflow, agent, trigger, serve,
// agent-process).
let only = Set((ProcessInfo.processInfo.environment["CAIRN_BENCH_ONLY"] ?? "").split(separator: ",").map(String.init))
func wanted(_ section: String) -> Bool { only.isEmpty || only.contains(section) }
let sizes =
    quick
    ? BenchSizes(singles: 200, batches: 10, replay: 10_000, invocations: 5, claimItems: 200)
    : BenchSizes(singles: 2000, batches: 100, replay: 100_000, invocations: 20, claimItems: 2000)

print("Cairn benchmarks (\(quick ? "quick" : "full") run) — \(ProcessInfo.processInfo.activeProcessorCount) cores")
print(String(repeating: "-", count: 86))
let stores: [(String, (String) throws -> any Store)] = [
    ("memory", { _ in MemoryStore() }),
    ("file", { try FileStore(root: scratch + "/file-" + $0) }),
    ("sqlite", { try SQLiteStore(path: scratch + "/sqlite-" + $0 + ".db") }),
]
var singleRates: [String: Double] = [:]
for (name, open) in stores where wanted("store") {
    singleRates[name] = try await StoreBench(name: name, open: open, sizes: sizes).run()
}
if let memory = singleRates["memory"], let file = singleRates["file"], let sqlite = singleRates["sqlite"] {
    report("ratio", "memory / file durable single appends", memory / file, "x")
    report("ratio", "sqlite / file durable single appends", sqlite / file, "x")
}
if wanted("s3") { await S3Bench(quick: quick).run() }
if wanted("process") {
    print(String(repeating: "-", count: 86))
    try await ProcessBench(scratch: scratch, invocations: sizes.invocations).run()
}
if wanted("pool") {
    print(String(repeating: "-", count: 86))
    try await PoolBench(scratch: scratch, items: sizes.claimItems).run()
}
if wanted("workflow") {
    print(String(repeating: "-", count: 86))
    try await WorkflowBench(scratch: scratch, steps: sizes.singles).run()
}
if wanted("agent") {
    print(String(repeating: "-", count: 86))
    try await AgentBench(scratch: scratch, runs: quick ? 20 : 200).run()
}
if wanted("trigger") {
    print(String(repeating: "-", count: 86))
    try await TriggerBench(scratch: scratch, fires: quick ? 256 : 2048, cronSeconds: quick ? 4 : 12).run()
}
if wanted("serve") {
    print(String(repeating: "-", count: 86))
    try await ServeBench(scratch: scratch, pushes: quick ? 256 : 2048, events: quick ? 10 : 50).run()
}
if wanted("agent-process") {
    print(String(repeating: "-", count: 86))
    try await AgentProcessBench(scratch: scratch, idle: quick ? [100, 1000] : [1000, 10_000], fires: quick ? 20 : 200).run()
}
