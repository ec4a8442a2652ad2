public import ArgumentParser
import CairnCLI
import CairnCore
import CairnProcessHandler
import CairnTriggers
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
    @Option(
        help: ArgumentHelp(
            "A YAML file whose triggers: section (Docs/triggers.md) runs while sessions are driven; with --all, the sessions its fires start are driven too.",
            valueName: "FILE"))
    var triggers: String?
    @Argument(parsing: .postTerminator, help: ArgumentHelp("The handler command, after --.", valueName: "COMMAND"))
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the handler command after --, e.g. cairn run --once -- python3 handler.py") }
        if all && sessionOption.session != nil { throw ValidationError("use either --session or --all, not both") }
        if maxInvocations < 1 { throw ValidationError("--max-invocations must be at least 1") }
        if !(timeout > 0) { throw ValidationError("--timeout must be a positive number of seconds") }
        if pollInterval < 1 { throw ValidationError("--poll-interval must be at least 1 ms") }
        if triggers != nil && once { throw ValidationError("--triggers runs until SIGINT or SIGTERM; leave out --once") }
    }

    /// The trigger service of `--triggers`, prepared (bad triggers are refused before anything runs).
    private func triggerService(store: any Store) async throws -> TriggerService? {
        guard let triggers else { return nil }
        let path = CLIContext.absolutePath(triggers)
        guard let data = FileManager.default.contents(atPath: path) else { throw CairnError.invalidArgument("cannot read the triggers file \(triggers)") }
        let root = try YAMLValue.parse(String(decoding: data, as: UTF8.self), what: "the triggers file \(triggers)")
        guard case .object(let top) = root, let section = top["triggers"] else {
            throw CairnError.invalidArgument("the triggers file \(triggers) needs a triggers: section (Docs/triggers.md)")
        }
        let definitions: [TriggerDefinition]
        do {
            definitions = try TriggerDefinition.parseSection(section, baseDirectory: (path as NSString).deletingLastPathComponent, location: "triggers")
        } catch let error as TriggerError {
            throw CairnError.invalidArgument(error.description)
        }
        let service = TriggerService(store: store, components: CairnCommand.components, configured: definitions)
        try await service.prepare()
        if let webhook = await service.statuses().first(where: { $0.path != nil }) {
            throw CairnError.invalidArgument(
                "trigger \(webhook.definition.name) receives HTTP requests, which cairn run does not serve; run it with cairn serve")
        }
        return service
    }

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store, create: triggers != nil)
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
            let service = try await triggerService(store: context.store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run(selection) }
                if let service { group.addTask { await service.run() } }
                group.addTask { await Signals.waitForTermination() }
                _ = try await group.next()
                group.cancelAll()
            }
            await server.shutdown()
        }
    }
}
