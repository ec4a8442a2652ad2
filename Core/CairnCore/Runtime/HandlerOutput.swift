public import Foundation

/// One output of an invocation: an object for this session, a child session or another session.
public struct HandlerOutput: Sendable, Hashable {
    /// Where the bytes come from.
    public enum Body: Sendable, Hashable {
        /// The bytes themselves.
        case data(Data)
        /// A reference the runtime fetches, hashes and stores (`file:///...`, or schemes a
        /// deployment adds through ``ObjectFetcher``).
        case uri(String)
    }

    /// The object header. A pause control output has content type ``ContentTypes/pause``.
    public var header: ObjectHeader
    /// The body.
    public var body: Body
    /// Whether the output starts a child session forked from this one.
    public var fork: Bool
    /// Another session to append to instead of this one.
    public var session: SessionID?

    /// Creates an output.
    public init(header: ObjectHeader, body: Body, fork: Bool = false, session: SessionID? = nil) {
        self.header = header
        self.body = body
        self.fork = fork
        self.session = session
    }

    /// A JSON object output.
    public static func json(_ value: some Encodable, name: String = "", metadata: [String: String] = [:]) throws -> HandlerOutput {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return HandlerOutput(header: ObjectHeader(contentType: ContentTypes.json, name: name, metadata: metadata), body: .data(try encoder.encode(value)))
    }

    /// A text output.
    public static func text(_ text: String, name: String = "", metadata: [String: String] = [:]) -> HandlerOutput {
        HandlerOutput(header: ObjectHeader(contentType: ContentTypes.text, name: name, metadata: metadata), body: .data(Data(text.utf8)))
    }

    /// A pause until the next push.
    public static func pause(_ reason: String = "") -> HandlerOutput {
        HandlerOutput(header: ObjectHeader(contentType: ContentTypes.pause), body: .data(Data(reason.utf8)))
    }

    /// A sleep: the session is woken with a `wake` entry after `seconds`.
    public static func sleep(seconds: TimeInterval, reason: String = "") -> HandlerOutput {
        HandlerOutput(
            header: ObjectHeader(contentType: ContentTypes.pause, metadata: [MetadataKeys.duration: GoDuration.format(seconds: seconds)]),
            body: .data(Data(reason.utf8)))
    }

    /// Finishes the session: it is never invoked again.
    public static func finish(_ reason: String = "") -> HandlerOutput {
        HandlerOutput(header: ObjectHeader(contentType: ContentTypes.finish), body: .data(Data(reason.utf8)))
    }
}

/// Fetches the bytes of a `uri` output.
public protocol ObjectFetcher: Sendable {
    /// Whether this fetcher handles the URI's scheme.
    func handles(_ uri: URL) -> Bool
    /// The bytes at `uri`.
    /// - Throws: an error naming the URI when it cannot be read.
    func fetch(_ uri: URL) async throws -> Data
}

/// Fetches `file://` URIs from the local filesystem.
public struct FileObjectFetcher: ObjectFetcher {
    /// Creates the fetcher.
    public init() {}

    public func handles(_ uri: URL) -> Bool { uri.isFileURL }

    public func fetch(_ uri: URL) async throws -> Data {
        do {
            return try Data(contentsOf: uri)
        } catch {
            throw CairnError.invalidArgument("cannot read \(uri.absoluteString): \(error.localizedDescription)")
        }
    }
}
