import ArgumentParser
import CairnCLI
import CairnCore
import CairnProcessHandler
import Foundation

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Drive the store's sessions together with other workers, sharing them through a work pool.",
        discussion:
            "Every worker proposes one pool item per pending session and claims items one at a time under a lease it keeps alive while the handler runs, so each event is handled by one worker; a worker that dies is reaped by the others after twice its heartbeat interval and its items are released. The pools live in a SQLite database: the store itself when it is sqlite://, otherwise --pool-db."
    )

    @OptionGroup var storeOption: StoreOption
    @Option(help: "The pool's name; workers with the same pool share the work.") var pool: String
    @Option(name: .customLong("pool-db"), help: ArgumentHelp("Where the pools live (default: the store, when it is sqlite://).", valueName: "SQLITE_URL"))
    var poolDB: String?
    @Option(name: .customLong("worker-id"), help: "This worker's id (default: host-pid).") var workerID: String?
    @Option(help: ArgumentHelp("Seconds a claim lasts without a heartbeat.", valueName: "SECONDS")) var lease: Double = 30
    @Option(name: .customLong("max-attempts"), help: "Claims of one item before it is dead-lettered.") var maxAttempts: Int = 3
    @Flag(help: "Stop when no session is pending and the pool is empty.") var once = false
    @Option(name: .customLong("max-invocations"), help: "Stop a handler invoked this many times in one drive without pausing.")
    var maxInvocations: Int = 100
    @Option(help: ArgumentHelp("Kill a handler invocation that runs longer than this many seconds.", valueName: "SECONDS"))
    var timeout: Double = 300
    @Argument(parsing: .postTerminator, help: ArgumentHelp("The handler command, after --.", valueName: "COMMAND"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the handler command after --, e.g. cairn worker --pool main -- python3 handler.py") }
        if !(lease >= 1) { throw ValidationError("--lease must be at least 1 second") }
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        if maxInvocations < 1 { throw ValidationError("--max-invocations must be at least 1") }
        if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        guard let poolsURL = poolDB ?? (context.storeURL.hasPrefix("sqlite:") ? context.storeURL : nil), poolsURL.hasPrefix("sqlite:") else {
            throw CairnError.invalidArgument("work pools need a SQLite database: use a sqlite:// store or pass --pool-db sqlite:///path/to/pools.db")
        }
        let pools = try CairnCommand.components.stores.openPools(poolsURL)
        let server = try await ObjectServer.start()
        let handler = try ProcessHandler(
            command: command, server: server, timeout: .milliseconds(Int(timeout * 1000)),
            stderrSink: { FileHandle.standardError.write($0) })
        let runtime = Runtime(store: context.store, handler: handler, options: RuntimeOptions(maxInvocations: maxInvocations, source: "runtime"))
        let id = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        let worker = PoolWorker(runtime: runtime, pools: pools, options: PoolWorker.Options(pool: pool, workerID: id, lease: lease, maxAttempts: maxAttempts))
        let untilIdle = once
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let completed = try await worker.run(untilIdle: untilIdle)
                FileHandle.standardError.write(Data("worker \(id): \(completed) item(s) done\n".utf8))
            }
            group.addTask { await Signals.waitForTermination() }
            _ = try await group.next()
            group.cancelAll()
        }
        await server.shutdown()
    }
}
