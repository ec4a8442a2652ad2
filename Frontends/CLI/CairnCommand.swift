import ArgumentParser
import CairnCore
import Foundation

/// The `cairn` command line. The composition executable supplies the store registry; see
/// ``CairnCommand/main(registry:)``.
public struct CairnCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cairn",
        abstract: "Cairn: durable sessions and handlers on an append-only log.",
        discussion: "A session is an append-only log of objects. `cairn run` invokes a handler on each new event and appends what it writes. The store and the current session are remembered in .cairn/current.json in the working directory; CAIRN_STORE and CAIRN_SESSION override them.",
        subcommands: [
            StartCommand.self, PushCommand.self, RunCommand.self, LogCommand.self, ForkCommand.self,
            ListCommand.self, ShowCommand.self, WakeCommand.self, InspectCommand.self, ExportCommand.self, WorkerCommand.self, AgentCommand.self, ServeCommand.self,
        ]
    )

    public init() {}

    /// The registry of store URL schemes for this process.
    @TaskLocal static var registry = StoreRegistry()

    /// The handler kinds `cairn serve` offers beyond its built-in `command` and `rpc`.
    @TaskLocal static var handlerKinds = HandlerRegistry()

    /// Runs the command line with the stores of `registry` and the handler kinds of `handlers`.
    public static func main(registry: StoreRegistry, handlers: HandlerRegistry = HandlerRegistry()) async {
        await $registry.withValue(registry) {
            await $handlerKinds.withValue(handlers) {
                await main()
            }
        }
    }
}

/// `-b STORE_URL`, shared by every command.
struct StoreOption: ParsableArguments {
    @Option(name: [.customShort("b"), .customLong("store")], help: ArgumentHelp(
        "The store URL: file:///path (the default, .cairn/store), sqlite:///path/to/cairn.db, memory://, or a plain folder path.",
        valueName: "STORE_URL"))
    var store: String?
}

/// `--session ID`, shared by commands that act on one session.
struct SessionOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The session (default: the current one).", valueName: "ID"))
    var session: String?
}
