import Foundation

/// One call of a handler: a session at one version of its log.
public struct Invocation: Sendable {
    /// The session.
    public var session: SessionInfo
    /// Its full logical log at the time of the call, oldest first.
    public var entries: [Entry]
    /// Where the entries' bodies can be read.
    public var blobs: any BlobStore
    /// Appends records durably while the invocation runs (the step boundary), when the runtime
    /// provides one. The invocation's final outputs are then appended after its records.
    public var journal: Journal?

    /// The log length the invocation saw; its outputs are appended only if the log is still this
    /// long (plus what it journaled itself).
    public var snapshot: Int { entries.count }

    /// Creates an invocation.
    public init(session: SessionInfo, entries: [Entry], blobs: any BlobStore, journal: Journal? = nil) {
        self.session = session
        self.entries = entries
        self.blobs = blobs
        self.journal = journal
    }
}

/// The code that decides what happens next in a session.
///
/// The runtime calls `invoke` with the session's full log each time the session has a new event,
/// and appends what it returns atomically. Returning nothing pauses the session. A handler must
/// be safe to call again with the same log: an invocation whose outputs lose the race with a
/// concurrent append is discarded and repeated on the newer log.
public protocol Handler: Sendable {
    /// Decides the outputs for one invocation.
    /// - Throws: ``HandlerFailure`` to record a described failure; any other error is recorded
    ///   with its description. Either way the runtime appends one `error` entry and nothing else.
    func invoke(_ invocation: Invocation) async throws -> [HandlerOutput]
}

/// A failed invocation, described for the `error` entry the runtime records.
public struct HandlerFailure: Error, Sendable, CustomStringConvertible {
    /// The report recorded as the body of the error entry.
    public var report: ErrorReport

    /// Creates a failure.
    public init(_ report: ErrorReport) {
        self.report = report
    }

    public var description: String { report.message }
}

/// A handler written as a closure.
public struct ClosureHandler: Handler {
    private let body: @Sendable (Invocation) async throws -> [HandlerOutput]

    /// Wraps `body`.
    public init(_ body: @escaping @Sendable (Invocation) async throws -> [HandlerOutput]) {
        self.body = body
    }

    public func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        try await body(invocation)
    }
}
