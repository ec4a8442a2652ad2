import CairnCore
import CairnSQLiteStore
import Foundation

/// Claims per second from one SQLite work pool by 1, 4 and 16 worker processes, next to the same
/// workload on flatmachines' SQLite work backend.
struct PoolBench {
    let scratch: String
    let items: Int

    func run() async throws {
        for processes in [1, 4, 16] {
            let path = scratch + "/pool-\(processes).db"
            let pool = try SQLiteWorkPool(path: path)
            for i in 0..<items { _ = try await pool.push(pool: "bench", payload: Data("\(i)".utf8), maxAttempts: 3, id: "i\(i)", now: Date()) }
            var claimed: [String] = []
            let time = try await seconds {
                let workers = try (0..<processes).map { n -> (Process, Pipe) in
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: sibling("cairn-crash-writer"))
                    process.arguments = ["claim", path, "bench", "w\(n)"]
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    try process.run()
                    return (process, pipe)
                }
                for (process, pipe) in workers {
                    claimed += String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
                    process.waitUntilExit()
                }
            }
            let cairnRate = Double(claimed.count) / time
            report("pool", "cairn claims/s, \(processes) worker process(es)", cairnRate, "claims/s")
            report("pool", "  items claimed twice", Double(claimed.count - Set(claimed).count), "items")
            let flat = try runCommand(["python3", "Tests/Bench/flatmachines_claims.py", scratch + "/flat-\(processes).db", "\(items)", "\(processes)"])
            if flat.status == 0, let data = flat.output.split(separator: "\n").last.map({ Data($0.utf8) }),
                let result = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let rate = result["claims_per_second"] as? Double
            {
                report("pool", "flatmachines claims/s, \(processes) worker process(es)", rate, "claims/s")
                report("pool", "  items claimed twice (flatmachines)", Double(result["double_claims"] as? Int ?? -1), "items")
                report("ratio", "cairn / flatmachines claims/s, \(processes) process(es)", cairnRate / rate, "x")
            } else {
                print("pool      flatmachines not measured (pip install flatmachines==4.2.1): exit \(flat.status)")
            }
        }
    }
}
