import CairnCore
import CairnFileStore
import CairnTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A 100-step workflow whose runner is killed with SIGKILL at random moments, 50 times and more,
/// and restarted each time: every step's result is recorded exactly once, the final result is
/// right, and a step's effect runs twice only when that step was in flight at a kill.
@Suite("Workflows under SIGKILL", .serialized)
struct WorkflowCrashTests {
    @Test func aHundredStepWorkflowSurvivesFiftyKills() async throws {
        let folder = TemporaryFolder()
        defer { folder.cleanup() }
        let store = try FileStore(root: folder.path + "/store")
        let sessions = Sessions(store: store)
        let session = try await sessions.create(source: "test")
        try await sessions.push(Data("3".utf8), header: ObjectHeader(contentType: "application/json", name: "input"), to: session.id, source: "test")
        let effects = folder.path + "/effects.txt"

        func launch() throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: builtExecutable("cairn-workflow-crash"))
            process.arguments = [folder.path + "/store", session.id.rawValue, effects]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }

        var kills = 0
        var rounds = 0
        while kills < 50 && rounds < 400 {
            rounds += 1
            let process = try launch()
            usleep(UInt32.random(in: 5_000...40_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { kills += 1 }
            } else {
                process.waitUntilExit()
            }
            // Restart from a fresh store instance each time; stop once the run has finished.
            if case .finished = try await SessionLog(store: FileStore(root: folder.path + "/store")).status(of: session.id, blobs: store) { break }
        }
        // Let the last restart finish the run.
        let last = try launch()
        last.waitUntilExit()

        let reader = try FileStore(root: folder.path + "/store")
        let entries = try await SessionLog(store: reader).entries(of: session.id)
        #expect(entries.last?.event == .finish)
        let result = try #require(entries.last { $0.header.name == "result" })
        #expect(try await reader.body(of: result) == Data("14850".utf8))
        let positions = entries.filter { $0.event == .step && $0.header.metadata["kind"] == "step" }.compactMap { $0.header.metadata["position"] }
        #expect(positions == (0..<100).map(String.init), "every step recorded exactly once, in order")

        let executions = try String(contentsOfFile: effects, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }
        let counts = Dictionary(executions.map { ($0, 1) }, uniquingKeysWith: +)
        #expect((0..<100).allSatisfy { counts[$0, default: 0] >= 1 }, "some step never ran")
        let repeats = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(repeats <= kills, "\(repeats) repeated executions for \(kills) kills: a step ran again that was not in flight at a kill")
        #expect(kills >= 50 || rounds >= 400, "only \(kills) kills landed in \(rounds) rounds")
        print("workflow crash test: \(kills) kills in \(rounds) rounds, \(repeats) steps ran twice")
    }
}
