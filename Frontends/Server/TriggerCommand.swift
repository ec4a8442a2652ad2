import ArgumentParser
import CairnCLI
import CairnCore
import CairnTriggers
import Foundation
import Yams

/// `cairn trigger ls|add|rm|fire`: the triggers of a store, worked on directly in the store (a
/// running `cairn serve` on the same store picks up additions and removals within a poll interval).
struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "List, add, remove and fire triggers (Docs/triggers.md).",
        subcommands: [TriggerList.self, TriggerAdd.self, TriggerRemove.self, TriggerFireCommand.self])
}

/// The options every trigger subcommand takes: the store and the configuration file.
struct TriggerScope: ParsableArguments {
    @OptionGroup var storeOption: StoreOption
    @Option(name: .shortAndLong, help: ArgumentHelp("The configuration file whose triggers to include.", valueName: "FILE"))
    var config: String?

    /// A trigger service over the store with the file's triggers and the registry's, not running.
    func service() async throws -> TriggerService {
        let components = CairnCommand.components
        let configuration = try ServerConfiguration.load(file: config, components: components)
        let context = try CLIContext(storeFlag: storeOption.store ?? configuration.store, create: true)
        let service = TriggerService(store: context.store, components: components, configured: configuration.triggers)
        try await service.prepare()
        return service
    }
}

struct TriggerList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List the triggers: kind, origin, target, fires, last and next fire, last error (secrets masked).")

    @OptionGroup var scope: TriggerScope
    @Flag(help: "Print JSON, as GET /v1/triggers answers.") var json = false

    func run() async throws {
        let statuses = try await scope.service().statuses()
        if json {
            let data = try JSONSerialization.data(
                withJSONObject: ["triggers": statuses.map(TriggerJSON.object), "count": statuses.count], options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if statuses.isEmpty {
            print("no triggers: add one with 'cairn trigger add' or in the configuration file's triggers: section")
            return
        }
        for status in statuses {
            let last = status.lastFire.map { "last \(Timestamps.format($0.time)) → \($0.session)" } ?? "never fired"
            let next = status.nextFire.map { "  next \(Timestamps.format($0))" } ?? ""
            let error = status.lastError.map { "  last error: \($0.message)" } ?? ""
            print(
                "\(status.definition.name)  \(status.definition.kind)  \(status.definition.origin.rawValue)  \(status.definition.target)  \(status.fireCount) fires  \(last)\(next)\(error)"
            )
        }
    }
}

struct TriggerAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a trigger to the store's registry.",
        discussion: """
            Example: cairn trigger add nightly --type cron --agent reporter -o cron_expression='0 9 * * 1-5' -o cron_timezone=Europe/Berlin. \
            Option values are read as YAML scalars (numbers, true/false, JSON lists and objects). The trigger is checked as 'cairn serve' \
            would run it; a running server on the store starts it within its poll interval.
            """)

    @OptionGroup var scope: TriggerScope
    @Argument(help: "The trigger's name (letters, digits, '.', '_', '-').") var name: String
    @Option(name: .customLong("type"), help: "The trigger kind (cron, interval, webhook, file_watch, event; see 'cairn components').")
    var kind: String
    @Option(help: "The agent whose sessions its fires start.") var agent: String?
    @Option(help: ArgumentHelp("new (a session per fire, the default), shared, or a session id.", valueName: "TARGET")) var session: String?
    @Option(help: "A filter expression deciding which fires are delivered.") var filter: String?
    @Option(name: [.customShort("o"), .customLong("option")], help: ArgumentHelp("A kind option, KEY=VALUE (repeatable).", valueName: "KEY=VALUE"))
    var options: [String] = []

    func run() async throws {
        var mapping: [String: JSONValue] = ["type": .string(kind), "name": .string(name)]
        if let agent { mapping["agent"] = .string(agent) }
        if let session { mapping["session"] = .string(session) }
        if let filter { mapping["filter_expression"] = .string(filter) }
        for (key, text) in try KeyValues.parse(options, flag: "--option") {
            mapping[key] = try Self.value(text, key: key)
        }
        let definition = try TriggerDefinition.parse(
            .object(mapping), origin: .dynamic, baseDirectory: FileManager.default.currentDirectoryPath, location: "triggers.\(name)")
        let status = try await scope.service().add(definition)
        print("added trigger \(status.definition.name): \(status.definition.kind), \(status.definition.target)")
    }

    /// A YAML scalar or flow collection as a JSON value.
    static func value(_ text: String, key: String) throws -> JSONValue {
        do {
            guard let parsed = try Yams.load(yaml: text) else { return .null }
            if let string = parsed as? String { return .string(string) }
            let data = try JSONSerialization.data(withJSONObject: parsed, options: [.fragmentsAllowed])
            return try JSONValue(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            return .string(text)
        }
    }
}

struct TriggerRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a trigger added at runtime (its fire log stays).")

    @OptionGroup var scope: TriggerScope
    @Argument(help: "The trigger's name.") var name: String

    func run() async throws {
        try await scope.service().remove(name)
        print("removed trigger \(name)")
    }
}

struct TriggerFireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fire", abstract: "Fire a trigger by hand: record a fire and push it into its session.",
        discussion: "Prints the fire id and the session. With --id, firing again with the same id records nothing new.")

    @OptionGroup var scope: TriggerScope
    @Argument(help: "The trigger's name.") var name: String
    @Option(help: ArgumentHelp("The payload, JSON (default {}).", valueName: "JSON")) var payload: String?
    @Option(help: ArgumentHelp("The fire id (default: a new one).", valueName: "ID")) var id: String?

    func run() async throws {
        let body = payload ?? "{}"
        guard (try? JSONValue(parsing: body)) != nil else {
            throw ValidationError("--payload must be JSON, e.g. '{\"reason\": \"manual\"}'")
        }
        let outcome = try await scope.service().fire(name, payload: Data(body.utf8), contentType: ContentTypes.json, id: id)
        switch outcome {
        case .recorded(let receipt): print("fired \(receipt.fireID) → session \(receipt.session)")
        case .duplicate(let receipt): print("already fired \(receipt.fireID) → session \(receipt.session); nothing new recorded")
        case .filtered: print("the trigger's filter refused the fire; nothing recorded")
        }
    }
}
