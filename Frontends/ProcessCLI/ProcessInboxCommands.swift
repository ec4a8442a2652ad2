import ArgumentParser
import CairnCore
import Foundation
import NIOHTTP1

struct ProcessSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Put a message in a process's inbox; it is in the model's input on the next run.")

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
    @Argument(help: "The message.") var content: String
    @Option(name: .customLong("type"), help: "directive, context (the default), question or correction.") var type = "context"
    @Option(help: "low, normal (the default), high or critical.") var priority = "normal"
    @Option(help: ArgumentHelp("Seconds until the message expires (default: the inbox's TTL).", valueName: "SECONDS")) var ttl: Double?
    @Option(help: "Who sends it (rate limits count per sender).") var sender: String?

    func run() async throws {
        var body: [String: JSONValue] = ["content": .string(content), "message_type": .string(type), "priority": .string(priority)]
        if let ttl { body["ttl"] = .number(ttl) }
        if let sender { body["sender_id"] = .string(sender) }
        let answer = try await options.client().call(.POST, ProcessAPIClient.path(name, "/messages"), body: .object(body))
        options.print(answer) { "queued \(ProcessOutput.short(answer["message_id"]))" }
    }
}

struct ProcessAsk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Ask a process a question and wait for its answer.",
        discussion: "Prints the answer. Exits with status 1 when no answer came within --timeout.")

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
    @Argument(help: "The question.") var content: String
    @Option(help: ArgumentHelp("Seconds to wait for the answer, at most 3600.", valueName: "SECONDS")) var timeout: Double = 120
    @Option(help: "low, normal (the default), high or critical.") var priority = "normal"
    @Option(help: "Who asks (rate limits count per sender).") var sender: String?

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
    }

    func run() async throws {
        var body: [String: JSONValue] = ["content": .string(content), "timeout": .number(timeout), "priority": .string(priority)]
        if let sender { body["sender_id"] = .string(sender) }
        let answer = try await options.client().call(.POST, ProcessAPIClient.path(name, "/ask"), body: .object(body), timeout: timeout + 10)
        let answered = answer["status"]?.stringValue == "answered"
        options.print(answer) {
            answered
                ? ProcessOutput.short(answer["response"])
                : "no answer within \(JSONValue.number(timeout).text) s (question \(ProcessOutput.short(answer["question_id"])))"
        }
        if !answered { throw ExitCode(1) }
    }
}

struct ProcessJournal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Print a process's newest journal entries, oldest first: time, type, data.")

    @OptionGroup var options: ProcessServerOptions
    @Argument(help: "The process's name.") var name: String
    @Option(help: "How many entries, 1 to 500.") var limit = 50
    @Option(name: .customLong("type"), help: "Only entries of this type (state_transition, invocation_result, ...).") var type: String?

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be in 1...500") }
    }

    func run() async throws {
        var query = "?limit=\(limit)"
        if let type { query += "&type=" + (type.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? type) }
        let answer = try await options.client().call(.GET, ProcessAPIClient.path(name, "/journal" + query))
        let entries = answer["entries"]?.items ?? []
        options.print(answer) {
            guard !entries.isEmpty else { return "no entries\(type.map { " of type \($0)" } ?? "")" }
            return entries.map { entry in
                let data = ProcessOutput.short(entry["data"])
                return
                    "\(ProcessOutput.short(entry["timestamp"]))  \(ProcessOutput.short(entry["entry_type"]))  \(data.count > 300 ? data.prefix(300) + "…" : Substring(data))"
            }.joined(separator: "\n")
        }
    }
}
