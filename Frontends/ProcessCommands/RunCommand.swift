public import ArgumentParser
import CairnCLI
import CairnCore
import CairnProcessHandler
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The commands this target contributes to `cairn`: `run` and `worker`, which drive sessions
/// with handler processes.
public enum ProcessCommands {
    /// `run` and `worker`.
    public static let commands: [any ParsableCommand.Type] = [RunCommand.self, WorkerCommand.self]
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive sessions with a handler process: invoke it on each new event and append what it writes.",
        discussion:
            "The handler speaks the pugmark wire protocol (Docs/protocol.md): the log arrives as JSON lines on stdin, outputs leave as JSON lines on stdout, stderr is its log. With --once, returns when every session it drives is paused, sleeping, finished or failed (exit status 1 if any failed). Without it, keeps running, reacting to new pushes and due timers, until SIGINT or SIGTERM."
    )

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @Flag(help: "Drive every session in the store.") var all = false
    @Flag(help: "Return once no driven session is pending.") var once = false
    @Option(name: .customLong("max-invocations"), help: "Stop a handler invoked this many times in one run without pausing.")
    var maxInvocations: Int = 100
    @Option(help: ArgumentHelp("Kill a handler invocation that runs longer than this many seconds.", valueName: "SECONDS"))
    var timeout: Double = 300
    @Option(name: .customLong("poll-interval"), help: ArgumentHelp("How often to look for new events, in milliseconds (without --once).", valueName: "MS"))
    var pollInterval: Int = 200
    @Argument(parsing: .postTerminator, help: ArgumentHelp("The handler command, after --.", valueName: "COMMAND"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the handler command after --, e.g. cairn run --once -- python3 handler.py") }
        if all && sessionOption.session != nil { throw ValidationError("use either --session or --all, not both") }
        if maxInvocations < 1 { throw ValidationError("--max-invocations must be at least 1") }
        if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if pollInterval < 1 { throw ValidationError("--poll-interval must be at least 1 ms") }
    }

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let selection: SessionSelection = all ? .all : .sessions([try context.session(sessionOption.session)])
        let server = try await ObjectServer.start()
        let handler = try ProcessHandler(
            command: command, server: server, timeout: .milliseconds(Int(timeout * 1000)),
            stderrSink: { FileHandle.standardError.write($0) })
        let runtime = Runtime(
            store: context.store, handler: handler,
            options: RuntimeOptions(maxInvocations: maxInvocations, pollInterval: .milliseconds(pollInterval), source: "runtime"))
        if once {
            let reports = try await runtime.runOnce(selection)
            await server.shutdown()
            var failed = false
            for report in reports {
                FileHandle.standardError.write(Data("\(report.session): \(report.status) after \(report.invocations) invocation(s)\n".utf8))
                if case .failed = report.status { failed = true }
            }
            if failed { throw ExitCode(1) }
        } else {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run(selection) }
                group.addTask { await Signals.waitForTermination() }
                _ = try await group.next()
                group.cancelAll()
            }
            await server.shutdown()
        }
    }
}
