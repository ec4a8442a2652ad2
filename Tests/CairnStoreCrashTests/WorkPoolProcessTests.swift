import CairnCore
import CairnSQLiteStore
import CairnTestSupport
import Foundation
import Testing

/// Several OS processes claim from one SQLite work pool at once: no item may be held twice.
@Suite("Work pool shared by processes", .serialized)
struct WorkPoolProcessTests {
    @Test(arguments: [2, 4])
    func processesClaimingFromOnePoolNeverShareAnItem(_ workers: Int) async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path + "/pool.db"
        let pool = try SQLiteWorkPool(path: path)
        for round in 0..<3 {
            let items = 300
            for i in 0..<items {
                _ = try await pool.push(pool: "round\(round)", payload: Data("\(i)".utf8), maxAttempts: 3, id: "r\(round)-\(i)", now: Date())
            }
            let processes = try (0..<workers).map { worker -> (Process, Pipe) in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: builtExecutable("cairn-crash-writer"))
                process.arguments = ["claim", path, "round\(round)", "w\(worker)"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                return (process, pipe)
            }
            var claims: [String: [String]] = [:]
            for (index, (process, pipe)) in processes.enumerated() {
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                claims["w\(index)"] = output.split(separator: "\n").map { String($0.dropFirst("claimed ".count)) }
            }
            let all = claims.values.flatMap { $0 }
            #expect(all.count == items, "round \(round): \(all.count) claims for \(items) items")
            #expect(Set(all).count == items, "round \(round): \(all.count - Set(all).count) items were claimed twice")
            #expect(try await pool.size(pool: "round\(round)", now: Date()) == PoolSize(pending: 0, claimed: 0, completed: items, deadLettered: 0))
            #expect(claims.values.filter { !$0.isEmpty }.count >= 1)
        }
    }
}
