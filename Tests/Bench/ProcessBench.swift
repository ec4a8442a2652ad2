import CairnCore
import CairnFileStore
import CairnProcessHandler
import Foundation

/// The per-invocation overhead of a trivial process handler next to a bare `python3 -c pass`.
struct ProcessBench {
    let scratch: String
    let invocations: Int

    func spawnTime(_ arguments: [String]) throws -> Double {
        let start = ContinuousClock.now
        for _ in 0..<invocations { _ = try runCommand(arguments) }
        return (ContinuousClock.now - start).seconds / Double(invocations)
    }

    func run() async throws {
        let server = try await ObjectServer.start()
        let bare = try spawnTime(["python3", "-c", "pass"])
        report("process", "bare python3 -c pass", bare * 1000, "ms")
        let handlers: [(String, String)] = [
            ("plain python", "import sys; sys.stdin.read(); print('{\"data\":\"\",\"content-type\":\"application/vnd.pugmark.pause+text\"}')"),
            ("pugmark SDK", "import pugmark; pugmark.pause('bench')"),
        ]
        for (label, code) in handlers {
            if label.contains("pugmark"), try runCommand(["python3", "-c", "import pugmark"]).status != 0 { continue }
            let store = try FileStore(root: scratch + "/process-\(label.count)")
            let runtime = Runtime(store: store, handler: try ProcessHandler(command: ["python3", "-c", code], server: server))
            let sessions = Sessions(store: store)
            let id = try await sessions.create(source: "bench").id
            _ = try await runtime.drive(id)
            let time = try await seconds {
                for i in 0..<invocations {
                    try await sessions.push(Data("\(i)".utf8), header: ObjectHeader(contentType: "application/json"), to: id, source: "bench")
                    _ = try await runtime.drive(id)
                }
            }
            let perInvocation = time / Double(invocations)
            report("process", "trivial handler (\(label)) per invocation", perInvocation * 1000, "ms")
            report("process", "  overhead over bare python3", (perInvocation - bare) * 1000, "ms")
        }
        await server.shutdown()
    }
}
