import ArgumentParser
import CairnCore
public import Foundation

struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Append stdin (or a file) to a session as a push event.",
        discussion:
            "Without --content-type, JSON is detected and stored as application/json, UTF-8 text as text/plain, anything else as application/octet-stream. Prints the new entry's sequence number."
    )

    @OptionGroup var storeOption: StoreOption
    @OptionGroup var sessionOption: SessionOption
    @Option(help: "The object's name.") var name: String = ""
    @Option(name: .customLong("content-type"), help: "The object's content type (default: detected).") var contentType: String?
    @Option(name: .customLong("schema-url"), help: "A URL of the schema the body follows.") var schemaURL: String = ""
    @Option(name: .customLong("metadata"), help: ArgumentHelp("Object metadata (repeatable).", valueName: "KEY=VALUE"))
    var metadata: [String] = []
    @Option(help: ArgumentHelp("Read the body from this file instead of stdin.", valueName: "PATH")) var file: String?

    func run() async throws {
        let context = try CLIContext(storeFlag: storeOption.store)
        let session = try context.session(sessionOption.session)
        let metadata = try KeyValues.parse(metadata, flag: "--metadata")
        let body: Data
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CairnError.invalidArgument("cannot read --file '\(file)': it does not exist or is not readable")
            }
            body = data
        } else {
            body = FileHandle.standardInput.readDataToEndOfFile()
        }
        let header = ObjectHeader(contentType: contentType ?? ContentDetection.detect(body), schemaURL: schemaURL, name: name, metadata: metadata)
        let entry = try await context.sessions.push(body, header: header, to: session, source: "cli")
        print(entry.seq)
    }
}

/// Guesses a content type from bytes.
public enum ContentDetection {
    /// `application/json` for a JSON document, `text/plain` for other UTF-8 text, else `application/octet-stream`.
    public static func detect(_ body: Data) -> String {
        if !body.isEmpty, (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil {
            return ContentTypes.json
        }
        if String(data: body, encoding: .utf8) != nil, !body.contains(0) { return ContentTypes.text }
        return ContentTypes.bytes
    }
}
