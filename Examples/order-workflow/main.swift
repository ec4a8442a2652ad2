// The order workflow as a program: drives every session whose agent is `order` with
// OrderWorkflow, in process. See Examples/order-workflow/README.md.
//
//   order-workflow [-b STORE_URL] [--once]
import CairnCore
import CairnFileStore
import CairnSQLiteStore
import Foundation

var storeURL = ProcessInfo.processInfo.environment["CAIRN_STORE"] ?? "file://\(FileManager.default.currentDirectoryPath)/.cairn/store"
var once = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "-b", "--store":
        guard let value = arguments.popFirst() else {
            FileHandle.standardError.write(Data("order-workflow: -b needs a store URL\n".utf8))
            exit(64)
        }
        storeURL = value
    case "--once": once = true
    case "-h", "--help":
        print(
            """
            usage: order-workflow [-b STORE_URL] [--once]
              Drives every session whose agent is 'order' with OrderWorkflow (Examples/order-workflow/README.md).
              -b, --store STORE_URL  the store (default: CAIRN_STORE, else .cairn/store)
              --once                 drive what is pending once, then exit
            """)
        exit(0)
    default:
        FileHandle.standardError.write(
            Data("order-workflow: unknown argument '\(argument)'\nusage: order-workflow [-b STORE_URL] [--once] (--help for more)\n".utf8))
        exit(64)
    }
}

var registry = StoreRegistry()
registry.register(scheme: "file") { url, create in try FileStore(url: url, create: create) }
registry.register(scheme: "sqlite") { url, create in try SQLiteStore(url: url, create: create) }
let store = try registry.open(storeURL, create: false)
let delay = Double(ProcessInfo.processInfo.environment["ORDER_PICKUP_SECONDS"] ?? "") ?? 2
let workflow = OrderWorkflow(effects: EffectsFile(path: "effects.log"), pickupDelay: .milliseconds(Int(delay * 1000)))
let runtime = Runtime(store: store, handler: WorkflowHandler(workflow))

func orderSessions() async throws -> [SessionID] {
    try await store.listSessions().filter { $0.agent == "order" }.map(\.id)
}

repeat {
    for report in try await runtime.runOnce(.sessions(try await orderSessions())) where report.invocations > 0 {
        FileHandle.standardError.write(Data("\(report.session): \(report.status)\n".utf8))
    }
    if !once { try await Task.sleep(for: .milliseconds(200)) }
} while !once
