import ArgumentParser
import CairnCore
import CairnProcesses
import Foundation
import NIOHTTP1

struct ProcessDeploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Deploy a process from a .agent manifest and start it.",
        discussion: """
            The manifest is read here: its ${VAR} references are resolved from this command's environment (secrets too), \
            then the configuration is sent to the server, which checks it as 'cairn serve --agents' would.
            """)

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: ArgumentHelp("The .agent manifest.", valueName: "FILE")) var file: String
    @Flag(help: "Deploy without starting it (state created).") var noStart = false

    func run() async throws {
        let manifest = try ManifestFiles.load(file: file)
        let answer = try await options.client().call(
            .POST, "/processes", body: .object(["name": .string(manifest.name), "config": manifest.config, "start": .bool(!noStart)]))
        options.print(answer) {
            "deployed \(manifest.name) (\(ProcessOutput.short(answer["process_id"]))): \(ProcessOutput.short(answer["state"]))"
        }
    }
}

struct ProcessList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the processes: name, state, process id.")

    @OptionGroup var options: ProcessServerOptions

    func run() async throws {
        let answer = try await options.client().call(.GET, "/processes")
        let rows = answer["processes"]?.items ?? []
        options.print(answer) {
            guard !rows.isEmpty else { return "no processes: deploy one with 'cairn process deploy FILE.agent'" }
            let width = rows.map { ProcessOutput.short($0["name"]).count }.max() ?? 0
            return rows.map { row in
                let name = ProcessOutput.short(row["name"])
                return name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + ProcessOutput.short(row["state"]).padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + ProcessOutput.short(row["process_id"])
            }.joined(separator: "\n")
        }
    }
}

struct ProcessShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a process's status: state, counters, queue, triggers, budget, mission (JSON).")

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String

    func run() async throws {
        let answer = try await options.client().call(.GET, ProcessAPIClient.path(name))
        print(ProcessOutput.pretty(answer))
    }
}

/// A subcommand that posts to `/processes/NAME/ACTION` and prints the new state.
protocol ProcessAction: AsyncParsableCommand {
    var options: ProcessServerOptions { get }
    var name: String { get }
    static var action: String { get }
}

extension ProcessAction {
    func perform(body: JSONValue? = nil) async throws -> JSONValue {
        let answer = try await options.client().call(.POST, ProcessAPIClient.path(name, "/" + Self.action), body: body ?? .object([:]))
        options.print(answer) { "\(name): \(ProcessOutput.short(answer["state"]))" }
        return answer
    }

    func run() async throws { _ = try await perform() }
}

struct ProcessStart: ProcessAction {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a created, stopped or failed process.")
    static let action = "start"
    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
}

struct ProcessStop: ProcessAction {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a process: runs in flight get the drain time, then are interrupted.")
    static let action = "stop"
    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
    @Option(help: ArgumentHelp("Seconds runs in flight may take to finish (default: the process's drain_timeout).", valueName: "SECONDS"))
    var drain: Double?

    func run() async throws {
        let answer = try await perform(body: .object(drain.map { ["drain_timeout": .number($0)] } ?? [:]))
        if !options.json, case .number(let interrupted)? = answer["interrupted_runs"], interrupted > 0 {
            print("\(Int(interrupted)) run(s) interrupted")
        }
    }
}

struct ProcessSuspend: ProcessAction {
    static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend a running process: no runs; events keep queueing.")
    static let action = "suspend"
    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
}

struct ProcessResume: ProcessAction {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a suspended process.")
    static let action = "resume"
    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
}

struct ProcessRestart: ProcessAction {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop a process (if active) and start it again.")
    static let action = "restart"
    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
}

struct ProcessRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove a process: stopped at once, its triggers gone (its log stays in the store).")

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String

    func run() async throws {
        let answer = try await options.client().call(.DELETE, ProcessAPIClient.path(name))
        options.print(answer) { "removed \(name)" }
    }
}
