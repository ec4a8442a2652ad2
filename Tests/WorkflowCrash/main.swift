// A test helper: runs a 100-step workflow on a file store. Each step appends its position to a
// file outside the store (fsynced) before returning, so a test that kills this process with
// SIGKILL at random moments can count how often each step's effect really ran.
//
//   cairn-workflow-crash STORE_ROOT SESSION EFFECTS_FILE
import CairnCore
import CairnFileStore
import Foundation

struct HundredSteps: Workflow {
    let effects: String
    /// How long each step works after its effect, so kills land inside steps too.
    let stepMilliseconds = Int(ProcessInfo.processInfo.environment["CRASH_STEP_MS"] ?? "") ?? 5

    func run(_ context: WorkflowContext, _ input: Int) async throws -> Int {
        var sum = 0
        for index in 0..<100 {
            sum += try await context.step("step-\(index)") {
                let fd = open(effects, O_WRONLY | O_APPEND | O_CREAT, 0o644)
                guard fd >= 0 else { throw CairnError.storage("cannot open \(effects)") }
                let line = "\(index)\n"
                _ = line.withCString { write(fd, $0, strlen($0)) }
                fsync(fd)
                close(fd)
                try await Task.sleep(for: .milliseconds(stepMilliseconds))
                return index * input
            }
        }
        return sum
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let session = try? SessionID(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: cairn-workflow-crash STORE_ROOT SESSION EFFECTS_FILE\n".utf8))
    exit(64)
}
let store = try FileStore(root: arguments[1], create: false)
let runtime = Runtime(store: store, handler: WorkflowHandler(HundredSteps(effects: arguments[3])))
let report = try await runtime.drive(session)
FileHandle.standardOutput.write(Data("\(report.status)\n".utf8))
