import CairnCore
import CairnFileStore
import CairnSQLiteStore
import Foundation

/// The cost of the step boundary on the file store: one journaled step at a time, steps
/// group-committed in parallel batches, and the cold replay of a long workflow.
struct WorkflowBench {
    let scratch: String
    let steps: Int

    struct Sequential: Workflow {
        let steps: Int
        func run(_ context: WorkflowContext, _ input: Int) async throws -> Int {
            var sum = 0
            for index in 0..<steps { sum += try await context.step("s\(index)") { index } }
            return sum
        }
    }

    struct Parallel: Workflow {
        let steps: Int
        func run(_ context: WorkflowContext, _ input: Int) async throws -> Int {
            var sum = 0
            for batch in stride(from: 0, to: steps, by: 32) {
                sum += try await context.all("b\(batch)", count: min(32, steps - batch)) { batch + $0 }.reduce(0, +)
            }
            return sum
        }
    }

    func open(_ kind: String, _ folder: String) throws -> any Store {
        kind == "sqlite" ? try SQLiteStore(path: scratch + "/" + folder + ".db") : try FileStore(root: scratch + "/" + folder)
    }

    func measure<W: Workflow>(_ workflow: W, kind: String, folder: String) async throws -> (Double, any Store, SessionID) where W.Input == Int {
        let store = try open(kind, folder)
        let sessions = Sessions(store: store)
        let id = try await sessions.create(source: "bench").id
        try await sessions.push(Data("0".utf8), header: ObjectHeader(contentType: "application/json", name: "input"), to: id, source: "bench")
        let runtime = Runtime(store: store, handler: WorkflowHandler(workflow))
        let time = try await seconds { _ = try await runtime.drive(id) }
        return (time, store, id)
    }

    func run() async throws {
        for kind in ["file", "sqlite"] {
            let (single, _, _) = try await measure(Sequential(steps: steps), kind: kind, folder: "wf-single-\(kind)")
            report("workflow", "\(kind): journaled step, one at a time", single / Double(steps) * 1_000_000, "µs/step")
            let (grouped, _, _) = try await measure(Parallel(steps: steps), kind: kind, folder: "wf-group-\(kind)")
            report("workflow", "\(kind): journaled step, 32 in parallel (group commit)", grouped / Double(steps) * 1_000_000, "µs/step")
        }

        // Cold replay: a finished 10,000-step run, forked before its end, replayed by a new
        // store instance and a new runtime: every step comes from the log.
        let long = 10_000
        let (_, store, id) = try await measure(Sequential(steps: long), kind: "file", folder: "wf-replay")
        let entries = try await SessionLog(store: store).entries(of: id)
        guard let lastStep = entries.last(where: { $0.event == .step }) else { return }
        let fork = try await Sessions(store: store).fork(id, at: lastStep.seq + 1, source: "bench")
        let cold = try FileStore(root: scratch + "/wf-replay")
        let runtime = Runtime(store: cold, handler: WorkflowHandler(Sequential(steps: long)))
        let replay = try await seconds { _ = try await runtime.drive(fork.id) }
        report("workflow", "file: cold replay of a 10,000-step workflow", replay * 1000, "ms")
    }
}
