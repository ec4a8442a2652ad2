public import CairnCore
import Foundation

/// The store conformance kit: checks that a ``Store`` meets every requirement Core relies on.
///
/// It is framework-neutral: each check is an async function that throws ``ConformanceFailure``.
/// Run it from your test framework, one test per check:
///
/// ```swift
/// @Test(arguments: StoreConformance.checks.map(\.name))
/// func conformance(_ name: String) async throws {
///     try await StoreConformance.run(name, on: StoreFixture { try MyStore(path: tempDir()) })
/// }
/// ```
public enum StoreConformance {
    /// A named check.
    public struct Check: Sendable {
        /// The check's name.
        public let name: String
        /// Runs the check on a fixture.
        public let run: @Sendable (StoreFixture) async throws -> Void
    }

    /// Every check, in a stable order.
    public static let checks: [Check] = [
        Check(name: "blob round trip", run: BlobChecks.roundTrip),
        Check(name: "missing blob", run: BlobChecks.missing),
        Check(name: "create and read", run: LogChecks.createAndRead),
        Check(name: "duplicate create", run: LogChecks.duplicateCreate),
        Check(name: "unknown session", run: LogChecks.unknownSession),
        Check(name: "compare-and-swap append", run: LogChecks.compareAndSwap),
        Check(name: "batch append", run: LogChecks.batch),
        Check(name: "read ranges", run: LogChecks.readRanges),
        Check(name: "entry fields round trip", run: LogChecks.entryFields),
        Check(name: "fork numbering", run: LogChecks.forkNumbering),
        Check(name: "list sessions", run: LogChecks.listSessions),
        Check(name: "timers", run: LogChecks.timers),
        Check(name: "racing appends", run: ConcurrencyChecks.racingAppends),
        Check(name: "shared between instances", run: ConcurrencyChecks.sharedInstances),
    ]

    /// Runs the check called `name`.
    /// - Throws: ``ConformanceFailure`` if the store fails it or no check has that name.
    public static func run(_ name: String, on fixture: StoreFixture) async throws {
        guard let check = checks.first(where: { $0.name == name }) else {
            throw ConformanceFailure(check: name, message: "no such check")
        }
        try await check.run(fixture)
    }

    /// Runs every check, stopping at the first failure.
    public static func runAll(on fixture: StoreFixture) async throws {
        for check in checks { try await check.run(fixture) }
    }
}

/// How the kit gets stores to test.
public struct StoreFixture: Sendable {
    /// Makes a new, empty store.
    public let make: @Sendable () async throws -> any Store
    /// Opens a second instance over the same storage as the given one (another "process"), or
    /// nil for stores that cannot be shared, such as the memory store (which then returns the same instance).
    public let reopen: (@Sendable (any Store) async throws -> any Store)?

    /// Creates a fixture.
    public init(make: @escaping @Sendable () async throws -> any Store, reopen: (@Sendable (any Store) async throws -> any Store)? = nil) {
        self.make = make
        self.reopen = reopen
    }
}

/// A store failed a conformance check.
public struct ConformanceFailure: Error, CustomStringConvertible {
    /// The check that failed.
    public let check: String
    /// What was wrong.
    public let message: String

    /// Creates a failure.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    public var description: String { "store conformance '\(check)': \(message)" }
}

/// Helpers shared by the checks.
enum Kit {
    static let clock = Date(timeIntervalSince1970: 1_800_000_000)

    static func require(_ condition: Bool, _ check: String, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(check: check, message: message()) }
    }

    static func newSession(in store: any Store, parent: SessionID? = nil, forkPoint: Int = 0, event: EventKind = .start) async throws -> SessionInfo {
        let info = SessionInfo(id: SessionID.generate(at: clock), parent: parent, forkPoint: forkPoint, agent: "kit", metadata: ["k": "v"], created: clock)
        _ = try await store.createSession(info, initial: [EntryDraft(event: event, time: clock, source: "kit")])
        return info
    }

    static func push(_ text: String, at offset: TimeInterval = 0) -> EntryDraft {
        EntryDraft(event: .push, header: ObjectHeader(contentType: "text/plain", name: text), time: clock.addingTimeInterval(offset), source: "kit")
    }

    static func expectError(_ check: String, _ what: String, _ matches: (any Error) -> Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try require(matches(error), check, "\(what): threw \(error) instead")
            return
        }
        throw ConformanceFailure(check: check, message: "\(what): did not throw")
    }
}
