public import Foundation

/// The Swift side of the pugmark handler protocol: read the log from stdin, write outputs to
/// stdout. The same operations as the Python SDK (`read`, `events`, `state`, `load`, `write_*`,
/// `pause`, `sleep`), so a handler can be ported line by line.
///
/// ```swift
/// let session = try HandlerSession.standard()
/// if let last = session.read().last, let input = try? await last.json(as: [String: String].self) { ... }
/// ```
public final class HandlerSession: @unchecked Sendable {
    // @unchecked: a handler is one process run by one task; the output handle is written serially.
    private let objects: [InputObject]
    private let output: FileHandle

    /// The session id (`PUGMARK_SESSION_ID`).
    public let sessionID: String
    /// The agent name (`PUGMARK_AGENT_ID`).
    public let agent: String
    /// The session metadata (`PUGMARK_SESSION_METADATA`).
    public let metadata: [String: String]

    /// Reads stdin to the end and uses stdout and the process environment.
    /// - Throws: ``HandlerSDKError/malformedInput(_:)`` for a malformed stdin line.
    public static func standard() throws -> HandlerSession {
        try HandlerSession(input: FileHandle.standardInput.readDataToEndOfFile(), output: .standardOutput, environment: ProcessInfo.processInfo.environment)
    }

    /// Creates a session from the given stdin bytes, output handle and environment.
    /// - Throws: ``HandlerSDKError/malformedInput(_:)`` for a malformed line.
    public init(input: Data, output: FileHandle, environment: [String: String]) throws {
        objects = try input.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
            .map { try InputObject(line: Data($0)) }
            .filter { $0.event != "memory" }
        self.output = output
        sessionID = environment["PUGMARK_SESSION_ID"] ?? ""
        agent = environment["PUGMARK_AGENT_ID"] ?? ""
        metadata =
            environment["PUGMARK_SESSION_METADATA"].flatMap {
                try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
            } ?? [:]
    }

    /// Every entry of the log, oldest first, inherited entries included.
    public func read() -> [InputObject] { objects }

    /// The log as typed events (`start`, `fork`, `wake`, `push`); other entries are skipped.
    public func events() -> [HandlerEvent] {
        objects.compactMap { object in
            switch object.event {
            case "start": .start
            case "fork": .fork
            case "wake": .wake
            case "push": .push(object)
            default: nil
            }
        }
    }

    /// Named state: the latest object for each name.
    public func state() -> [String: InputObject] {
        var state: [String: InputObject] = [:]
        for object in objects where !object.name.isEmpty { state[object.name] = object }
        return state
    }

    /// The latest object called `name`, if any.
    public func load(_ name: String) -> InputObject? { state()[name] }

    /// The latest object called `name` decoded as JSON, or nil if there is none.
    public func loadJSON<T: Decodable>(_ name: String, as type: T.Type = T.self) async throws -> T? {
        guard let object = load(name) else { return nil }
        return try await object.json(as: type)
    }

    /// The latest object called `name` as text, or nil if there is none.
    public func loadText(_ name: String) async throws -> String? {
        try await load(name)?.text()
    }

    /// Writes bytes with the given header.
    public func write(
        _ data: Data, name: String = "", contentType: String = "application/octet-stream",
        schemaURL: String = "", metadata: [String: String] = [:], fork: Bool = false, session: String = ""
    ) {
        var record: [String: Any] = ["data": data.base64EncodedString()]
        if !name.isEmpty { record["name"] = name }
        if !contentType.isEmpty { record["content-type"] = contentType }
        if !schemaURL.isEmpty { record["schema-url"] = schemaURL }
        if !metadata.isEmpty { record["metadata"] = metadata }
        if fork { record["fork"] = true }
        if !session.isEmpty { record["session"] = session }
        emit(record)
    }

    /// Writes text (`text/plain` unless told otherwise).
    public func writeText(_ text: String, name: String = "", contentType: String = "text/plain", metadata: [String: String] = [:]) {
        write(Data(text.utf8), name: name, contentType: contentType, metadata: metadata)
    }

    /// Writes an `Encodable` value as `application/json`.
    /// - Throws: `EncodingError` if the value cannot be encoded.
    public func writeJSON<T: Encodable>(_ value: T, name: String = "", metadata: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        write(try encoder.encode(value), name: name, contentType: "application/json", metadata: metadata)
    }

    /// Writes bytes (`application/octet-stream` unless told otherwise).
    public func writeBytes(_ data: Data, name: String = "", contentType: String = "application/octet-stream", metadata: [String: String] = [:]) {
        write(data, name: name, contentType: contentType, metadata: metadata)
    }

    /// Pauses the session until the next push.
    public func pause(_ reason: String = "") {
        write(Data(reason.utf8), contentType: "application/vnd.pugmark.pause+text")
    }

    /// Puts the session to sleep; the runtime wakes it with a `wake` event after `seconds`.
    public func sleep(seconds: Double, reason: String = "") {
        write(Data(reason.utf8), contentType: "application/vnd.pugmark.pause+text", metadata: ["duration": String(format: "%.2fs", seconds)])
    }

    /// Finishes the session: it is never invoked again.
    public func finish(_ reason: String = "") {
        write(Data(reason.utf8), contentType: "application/vnd.cairn.finish+text")
    }

    private func emit(_ record: [String: Any]) {
        guard var line = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        output.write(line)
    }
}
