import ArgumentParser
import CairnCore
import Foundation

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Create a session, make it current and print its id.")

    @OptionGroup var storeOption: StoreOption
    @Option(help: "The agent name, which selects the handler in a served deployment.") var agent: String = ""
    @Option(name: .customLong("metadata"), help: ArgumentHelp("Session metadata (repeatable).", valueName: "KEY=VALUE"))
    var metadata: [String] = []

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store, create: true)
        let info = try await context.sessions.create(agent: agent, metadata: try KeyValues.parse(metadata, flag: "--metadata"), source: "cli")
        try context.remember(info.id)
        print(info.id)
    }
}

struct ForkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork",
        abstract: "Fork a session into a child that inherits its log; make the child current and print its id.")

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @Option(help: ArgumentHelp("Inherit entries 0 through SEQ (default: all of them).", valueName: "SEQ")) var at: Int?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let parent = try context.session(sessionOption.session)
        if let at {
            let length = try await SessionLog(store: context.store).head(of: parent).length
            guard (0..<length).contains(at) else {
                throw CairnError.invalidArgument("--at \(at) is not an entry of \(parent), whose entries are 0...\(length - 1)")
            }
        }
        let child = try await context.sessions.fork(parent, at: at.map { $0 + 1 }, source: "cli")
        try context.remember(child.id)
        print(child.id)
    }
}

struct WakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wake", abstract: "Append a wake event so the handler runs again (also retries a failed session).")

    @OptionGroup var storeOption: StoreOption
    @Argument(help: ArgumentHelp("The session to wake (default: the current one).", valueName: "ID")) var id: String?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let entry = try await context.sessions.wake(try context.session(id), source: "cli")
        print(entry.seq)
    }
}

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the sessions in the store.")

    @OptionGroup var storeOption: StoreOption
    @Flag(help: "Also list system logs (agents named cairn.*: trigger fires, triggers added at runtime).") var system = false

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let currentID = try? context.session(nil)
        let log = SessionLog(store: context.store)
        for info in try await context.store.listSessions() where system || !info.isSystem {
            let head = try await log.head(of: info.id)
            let status = try await SessionLog.status(of: head, blobs: context.store)
            let marker = info.id == currentID ? "*" : " "
            let parent = info.parent.map { " fork of \($0) at #\(info.forkPoint - 1)" } ?? ""
            let agent = info.agent.isEmpty ? "" : " agent=\(info.agent)"
            print(
                "\(marker) \(info.id)  \(status.word.padding(toLength: 8, withPad: " ", startingAt: 0))  \(head.length) entries  \(Timestamps.format(info.created))\(agent)\(parent)"
            )
        }
    }
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one session: its parent, agent, metadata and status.")

    @OptionGroup var storeOption: StoreOption
    @Argument(help: ArgumentHelp("The session (default: the current one).", valueName: "ID")) var id: String?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let sessionID = try context.session(id)
        let head = try await SessionLog(store: context.store).head(of: sessionID)
        let status = try await SessionLog.status(of: head, blobs: context.store)
        let info = head.info
        print("session   \(info.id)")
        if let parent = info.parent { print("parent    \(parent) (inherits entries 0...\(info.forkPoint - 1))") }
        print("agent     \(info.agent.isEmpty ? "-" : info.agent)")
        print("created   \(Timestamps.format(info.created))")
        print("entries   \(head.length)")
        print("status    \(status)")
        for key in info.metadata.keys.sorted() { print("metadata  \(key)=\(info.metadata[key] ?? "")") }
        if let last = head.last { print("last      #\(last.seq) \(last.event) at \(Timestamps.format(last.time))") }
    }
}
