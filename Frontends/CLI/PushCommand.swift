import ArgumentParser
import CairnCore
public import Foundation

struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Append stdin (or a file) to a session as a push event.",
        discussion:
            "Without --content-type, a JSON body is stored as application/json, and UTF-8 text that is not JSON is stored as a JSON string (so every entry a pugmark handler reads decodes as JSON; a note on stderr says so); anything else is application/octet-stream. Pass --content-type text/plain to store text as it is. Prints the new entry's sequence number."
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
        var body: Data
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CairnError.invalidArgument("cannot read --file '\(file)': it does not exist or is not readable")
            }
            body = data
        } else {
            body = FileHandle.standardInput.readDataToEndOfFile()
        }
        var detected = contentType ?? ContentDetection.detect(body)
        if contentType == nil, detected == ContentTypes.text {
            body = Data(JSONValue.string(String(decoding: body, as: UTF8.self)).text.utf8)
            detected = ContentTypes.json
            FileHandle.standardError.write(
                Data("note: the body is not JSON; pushed it as a JSON string (pass --content-type text/plain to push the text as it is)\n".utf8))
        }
        let header = ObjectHeader(contentType: detected, schemaURL: schemaURL, name: name, metadata: metadata)
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
