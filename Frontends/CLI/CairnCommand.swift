public import ArgumentParser
public import CairnCore
import Foundation
import Synchronization

/// The `cairn` command line: the session commands every build has, plus the commands the
/// composition executable contributes (`run`, `agent`, `serve`, ...), over the components it
/// registered. See ``CairnCommand/main(components:commands:)``.
public struct CairnCommand: AsyncParsableCommand {
    /// The commands every build has.
    static let baseCommands: [any ParsableCommand.Type] = [
        StartCommand.self, PushCommand.self, LogCommand.self, ForkCommand.self, ListCommand.self, ShowCommand.self, WakeCommand.self,
        InspectCommand.self, ExportCommand.self, ComponentsCommand.self, CompletionCommand.self,
    ]

    /// The commands the composition contributed, set once before parsing.
    private static let contributed = Mutex<[any ParsableCommand.Type]>([])

    /// What the composition chose for the command line.
    public struct Settings: Sendable {
        /// The binary's name, in usage lines and hints.
        public var name: String
        /// The store commands use without `-b`, `CAIRN_STORE` or a current one: a URL or a path
        /// relative to the working directory (nil: `.cairn/store` as a `file://` store).
        public var defaultStore: String?

        /// Creates settings.
        public init(name: String = "cairn", defaultStore: String? = nil) {
            self.name = name
            self.defaultStore = defaultStore
        }
    }

    /// The settings of this process.
    static let settingsBox = Mutex(Settings())

    /// The settings of this process, as passed to ``main(components:commands:settings:)``.
    public static var settings: Settings { settingsBox.withLock { $0 } }

    /// The command line's configuration, with the contributed commands.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: settings.name,
            abstract: "Cairn: durable sessions and handlers on an append-only log.",
            discussion:
                "A session is an append-only log of objects. A handler is invoked on each new event and appends what it writes. The store and the current session are remembered in .cairn/current.json in the working directory; CAIRN_STORE and CAIRN_SESSION override them. 'cairn components' lists what this build can assemble.",
            version: CairnVersion.current,
            subcommands: baseCommands + contributed.withLock { $0 })
    }

    /// Creates the root command (ArgumentParser's requirement).
    public init() {}

    /// The components of this process: stores, providers, tools, handler kinds.
    @TaskLocal public static var components = Components()

    /// Runs the command line with `components`, offering the base commands and `commands`.
    /// - Parameters:
    ///   - components: what configuration and flags may name (store URL schemes, providers, ...).
    ///   - commands: the commands other targets contribute, e.g. `ProcessCommands.commands`.
    ///   - settings: the binary's name and default store.
    public static func main(components: Components, commands: [any ParsableCommand.Type] = [], settings: Settings = Settings()) async {
        contributed.withLock { $0 = commands }
        settingsBox.withLock { $0 = settings }
        await $components.withValue(components) {
            await main()
        }
    }
}

/// `-b STORE_URL`, shared by every command.
public struct StoreOption: ParsableArguments {
    /// The flag's value, if given.
    @Option(
        name: [.customShort("b"), .customLong("store")],
        help: ArgumentHelp(
            "The store URL, e.g. file:///path, sqlite:///path/to/cairn.db or memory:// ('components' lists this build's schemes); a plain path is a file:// store (a SQLite one if it ends in .db). Default: .cairn/store.",
            valueName: "STORE_URL"))
    public var store: String?

    /// Creates the option group (ArgumentParser's requirement).
    public init() {}
}

/// `--session ID`, shared by commands that act on one session.
public struct SessionOption: ParsableArguments {
    /// The flag's value, if given.
    @Option(name: .long, help: ArgumentHelp("The session (default: the current one).", valueName: "ID"))
    public var session: String?

    /// Creates the option group (ArgumentParser's requirement).
    public init() {}
}
