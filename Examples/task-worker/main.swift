// A handler that works through a queue of tasks, one per invocation, using the Swift handler SDK.
//
// Each pushed {"kind":"task","n":N} gets exactly one {"kind":"result","n":N,"square":N*N} named
// result-N. The handler is stateless: it reads the whole log each time and takes the first task
// without a result, so a run killed mid-task simply does that task again (its unfinished output
// was never appended). When every task has a result it pauses.
import CairnHandlerSDK
import Foundation

struct WorkItem: Decodable { let kind: String; let n: Int }
struct Result: Encodable { let kind = "result"; let n: Int; let square: Int }

let session = try HandlerSession.standard()
var pending: [Int] = []
var done = Set<Int>()
for object in session.read() where object.event == "push" {
    if object.name.hasPrefix("result-"), let n = Int(object.name.dropFirst("result-".count)) {
        done.insert(n)
    } else if let task = try? await object.json(as: WorkItem.self), task.kind == "task" {
        pending.append(task.n)
    }
}
guard let next = pending.first(where: { !done.contains($0) }) else {
    session.pause("all \(pending.count) tasks done")
    exit(0)
}
// The "work": slow enough that a kill lands in the middle of some task.
let delay = Double(ProcessInfo.processInfo.environment["TASK_SECONDS"] ?? "") ?? 0.3
try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
FileHandle.standardError.write(Data("task-worker: finished task \(next)\n".utf8))
try session.writeJSON(Result(n: next, square: next * next), name: "result-\(next)")
