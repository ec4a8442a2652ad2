public import ArgumentParser
import CairnCLI
import CairnCore
import Foundation
import Synchronization

/// The commands this target contributes to `cairn`: `agent` (run, send, resume, continue).
public enum AgentFileCommands {
    /// `agent`.
    public static let commands: [any ParsableCommand.Type] = [AgentCommand.self]
}

/// `cairn agent`: run agents defined in YAML files, in sessions.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an agent from a YAML file in a session, continue its conversation, resume it after a pause.",
        discussion:
            "Every model call, tool call and governance decision is a step in the session's log, so an interrupted run resumes without repeating them. See Docs/agents.md for the file format.",
        subcommands: [AgentRunCommand.self, AgentSendCommand.self, AgentResumeCommand.self, AgentContinueCommand.self])
}

/// Options shared by the agent commands: what the operator allows.
struct AgentRunOptions: ParsableArguments {
    @Option(
        name: .customLong("allow-host"),
        help: ArgumentHelp(
            "A host HTTP tools may reach (repeatable; host, host:port or *.domain). Also CAIRN_ALLOWED_HOSTS (comma-separated). None: HTTP tools reach nothing.",
            valueName: "HOST"))
    var allowHosts: [String] = []
    @Flag(help: "Print the run's events as JSON lines on stdout instead of its text.") var events = false

    /// The agent-file options for a run in `context`.
    func fileOptions(printer: AgentPrinter) throws -> AgentFileOptions {
        let fromEnvironment = (ProcessInfo.processInfo.environment["CAIRN_ALLOWED_HOSTS"] ?? "").split(separator: ",").map(String.init)
        let hosts = try HostAllowlist((allowHosts + fromEnvironment).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        let ledger = FileManager.default.currentDirectoryPath + "/" + CLIContext.folder + "/usage"
        return AgentFileOptions(components: CairnCommand.components, allowedHosts: hosts, ledgerFolder: ledger, observer: { printer.show($1) })
    }
}

/// Shows a run's events: text on stdout as it streams, tool calls and governance on stderr
/// (or every event as a JSON line with `--events`).
final class AgentPrinter: Sendable {
    let json: Bool
    private let state = Mutex((streamed: false, atLineStart: true))

    init(json: Bool) {
        self.json = json
    }

    func show(_ event: AgentEvent) {
        if json {
            if let line = try? JSONEncoder().encode(event.json) { FileHandle.standardOutput.write(line + Data("\n".utf8)) }
            return
        }
        switch event {
        case .text(let delta):
            state.withLock { $0 = (true, delta.hasSuffix("\n")) }
            FileHandle.standardOutput.write(Data(delta.utf8))
        case .toolCall(let call):
            endLine()
            FileHandle.standardError.write(Data("→ \(call.name) \(call.arguments.prefix(200))\n".utf8))
        case .toolResult(_, let name, let text, let isError):
            FileHandle.standardError.write(Data("← \(name)\(isError ? " failed" : ""): \(text.prefix(200).replacingOccurrences(of: "\n", with: " "))\n".utf8))
        case .governance(let decision):
            endLine()
            FileHandle.standardError.write(
                Data("governance: \(decision.outcome?.rawValue ?? "allow") before \(decision.action.summary): \(decision.reason)\n".utf8))
        case .usage:
            break
        case .reply(let text):
            // A reply that was not streamed (its turn was recorded before a crash) is printed whole.
            let streamed = state.withLock { value in
                defer { value.streamed = false }; return value.streamed
            }
            if !streamed { FileHandle.standardOutput.write(Data(text.utf8)) }
            state.withLock { $0.atLineStart = false }
            endLine()
        }
    }

    func endLine() {
        let needed = state.withLock { value in
            defer { value.atLineStart = true }; return !value.atLineStart
        }
        if needed && !json { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}

/// Drives an agent session in this process until it waits (for a message or a person) or ends.
enum AgentSessionDriver {
    /// The metadata key that remembers a session's agent file.
    static let fileKey = "cairn.agent_file"

    /// Loads the agent of `agentFile` with a printer of its events, as `options` ask.
    static func load(_ agentFile: String, options: AgentRunOptions) async throws -> (AgentDefinition, AgentPrinter) {
        let printer = AgentPrinter(json: options.events)
        return (try await AgentFile.load(agentFile, options: try options.fileOptions(printer: printer)), printer)
    }

    static func drive(_ context: CLIContext, session: SessionID, agent: AgentDefinition, printer: AgentPrinter) async throws {
        let runtime = Runtime(
            store: context.store, handler: WorkflowHandler(AgentWorkflow(agent, conversational: true)),
            options: RuntimeOptions(source: "runtime"))
        let report = try await runtime.drive(session)
        printer.endLine()
        switch report.status {
        case .paused(let reason) where reason.contains("'message'"):
            break  // answered; waiting for the next message
        case .paused(let reason):
            FileHandle.standardError.write(Data("session \(session) is paused: \(reason)\n".utf8))
        case .failed(let message):
            FileHandle.standardError.write(Data("session \(session) failed: \(message)\n".utf8))
            throw ExitCode(1)
        default:
            FileHandle.standardError.write(Data("session \(session): \(report.status)\n".utf8))
        }
    }

    /// `text` as a JSON string object named `name`, redacted with the agent's secrets.
    static func object(_ text: String, name: String, agent: AgentDefinition) throws -> (header: ObjectHeader, body: Data) {
        (ObjectHeader(contentType: ContentTypes.json, name: name), try JSONEncoder().encode(agent.redact(text)))
    }

    /// The agent file of a session: the flag, else the one it was started with.
    static func agentFile(_ flag: String?, session: SessionID, context: CLIContext) async throws -> String {
        if let flag { return URL(fileURLWithPath: flag).standardizedFileURL.path }
        guard let file = try await context.store.sessionInfo(session).metadata[fileKey] else {
            throw CairnError.invalidArgument("session \(session) was not started by 'cairn agent run'; pass --agent-file")
        }
        return file
    }
}

/// `cairn agent run AGENT.yaml "prompt"`.
struct AgentRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Start a session with the agent of a YAML file and the prompt, streaming the answer.",
        discussion: "The session becomes the current one; continue it with 'cairn agent send'. Daily budgets are counted in .cairn/usage.")

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var options: AgentRunOptions
    @Option(
        name: [.customLong("metadata"), .customLong("meta")],
        help: ArgumentHelp("Session metadata (repeatable; --meta is the old spelling).", valueName: "KEY=VALUE"))
    var meta: [String] = []
    @Argument(help: ArgumentHelp("The agent file.", valueName: "AGENT.yaml")) var file: String
    @Argument(help: "The prompt.") var prompt: String

    func run() async throws {
        let path = URL(fileURLWithPath: file).standardizedFileURL.path
        let (agent, printer) = try await AgentSessionDriver.load(path, options: options)
        let context = try CLIContext(storeFlag: storeOption.store, create: true)
        var metadata = try KeyValues.parse(meta, flag: "--metadata")
        metadata[AgentSessionDriver.fileKey] = path
        let session = try await context.sessions.create(
            agent: agent.name, metadata: metadata,
            pushing: [try AgentSessionDriver.object(prompt, name: "input", agent: agent)], source: "cli")
        try context.remember(session.id)
        FileHandle.standardError.write(Data("session \(session.id)\n".utf8))
        try await AgentSessionDriver.drive(context, session: session.id, agent: agent, printer: printer)
    }
}

/// The options of the commands that act on an existing agent session.
struct AgentSessionOptions: ParsableArguments {
    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @OptionGroup var run: AgentRunOptions
    @Option(name: .customLong("agent-file"), help: ArgumentHelp("The agent file (default: the one the session started with).", valueName: "AGENT.yaml"))
    var agentFile: String?

    /// Pushes `text` as `name` (when given) and drives the session. A `resume` is refused unless
    /// the session is paused by governance: one pushed at another time would approve a later
    /// pause nobody has seen.
    func drive(pushing text: String? = nil, as name: String = "") async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let session = try context.session(sessionOption.session)
        let file = try await AgentSessionDriver.agentFile(agentFile, session: session, context: context)
        if name == "resume" {
            let head = try await SessionLog(store: context.store).head(of: session)
            let status = try await SessionLog.status(of: head, blobs: context.store)
            guard case .paused(let reason) = status, reason.contains("'resume'") else {
                throw CairnError.invalidArgument("session \(session) is not paused by governance (it is \(status)); nothing to resume")
            }
        }
        let (agent, printer) = try await AgentSessionDriver.load(file, options: run)
        if let text {
            let object = try AgentSessionDriver.object(text, name: name, agent: agent)
            _ = try await context.sessions.push(object.body, header: object.header, to: session, source: "cli")
        }
        try await AgentSessionDriver.drive(context, session: session, agent: agent, printer: printer)
    }
}

/// `cairn agent send "message"`.
struct AgentSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send the next message of a conversation and stream the agent's answer.")

    @OptionGroup var options: AgentSessionOptions
    @Argument(help: "The message.") var message: String

    func run() async throws { try await options.drive(pushing: message, as: "message") }
}

/// `cairn agent resume`.
struct AgentResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a run a governance policy paused (approving one more budget's worth), and go on.")

    @OptionGroup var options: AgentSessionOptions
    @Argument(help: "A note recorded with the approval.") var note: String = "approved"

    func run() async throws { try await options.drive(pushing: note, as: "resume") }
}

/// `cairn agent continue`.
struct AgentContinueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "continue", abstract: "Continue a run that was interrupted (a crash, a kill): recorded steps are not repeated.")

    @OptionGroup var options: AgentSessionOptions

    func run() async throws { try await options.drive() }
}
