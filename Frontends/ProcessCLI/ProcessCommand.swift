public import ArgumentParser
import CairnCore
import Foundation

/// The commands this target contributes to `cairn`: `process`.
public enum ProcessCLICommands {
    /// `process` and its subcommands.
    public static let commands: [any ParsableCommand.Type] = [ProcessCommand.self]
}

/// `cairn process ...`: agent processes on a running `cairn serve`, through its orchestration API.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Deploy and operate agent processes on a running 'cairn serve' (Docs/processes.md).",
        discussion: """
            Each subcommand is a request to the server's orchestration API (/api/v1): --server or CAIRN_SERVER names it \
            (default http://127.0.0.1:7420), --token or CAIRN_TOKEN carries its bearer token.
            """,
        subcommands: [
            ProcessDeploy.self, ProcessList.self, ProcessShow.self, ProcessStart.self, ProcessStop.self, ProcessSuspend.self, ProcessResume.self,
            ProcessRestart.self, ProcessRemove.self, ProcessSend.self, ProcessAsk.self, ProcessJournal.self,
        ])
}

/// Where the server is and how to print: shared by every `process` subcommand.
struct ProcessServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's URL (default: CAIRN_SERVER, else http://127.0.0.1:7420).", valueName: "URL"))
    var server: String?
    @Option(help: ArgumentHelp("The server's bearer token (default: CAIRN_TOKEN).", valueName: "TOKEN"))
    var token: String?
    @Flag(help: "Print the API's JSON answer.") var json = false

    func client() throws -> ProcessAPIClient {
        let environment = ProcessInfo.processInfo.environment
        var url = server ?? environment["CAIRN_SERVER"] ?? "http://127.0.0.1:7420"
        while url.hasSuffix("/") { url.removeLast() }
        guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw ValidationError("--server '\(url)' is not an http:// or https:// URL, e.g. http://127.0.0.1:7420")
        }
        let token = token ?? environment["CAIRN_TOKEN"]
        return ProcessAPIClient(server: url, token: token?.isEmpty == false ? token : nil)
    }

    /// Prints `answer` as JSON with `--json`, else `line()`.
    func print(_ answer: JSONValue, _ line: () -> String) {
        Swift.print(json ? ProcessOutput.pretty(answer) : line())
    }
}

/// How answers are printed.
enum ProcessOutput {
    /// JSON, indented, keys sorted.
    static func pretty(_ value: JSONValue) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(value.text.utf8), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return value.text }
        return String(decoding: data, as: UTF8.self)
    }

    /// A value as a short text: strings bare, the rest JSON.
    static func short(_ value: JSONValue?) -> String {
        guard let value else { return "-" }
        return value.stringValue ?? value.text
    }
}

extension JSONValue {
    /// The items of a JSON array (none for anything else).
    var items: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
