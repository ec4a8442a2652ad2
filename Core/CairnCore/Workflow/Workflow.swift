import Foundation

/// A durable workflow: ordinary async Swift whose effects go through its ``WorkflowContext``.
///
/// ```swift
/// struct Greeting: Workflow {
///     func run(_ context: WorkflowContext, _ input: String) async throws -> String {
///         let name = try await context.step("look up") { try await directory.name(for: input) }
///         try await context.sleep(for: .seconds(60))
///         return try await context.step("greet") { try await mailer.send("Hello, \(name)") }
///     }
/// }
/// ```
///
/// After a crash or a restart the run replays from the top: recorded steps return their results
/// without running again, and execution continues from the first step without a record.
public protocol Workflow: Sendable {
    /// The input: the session's push named `input` (or its first unnamed push), decoded from JSON.
    associatedtype Input: Codable & Sendable
    /// The result, recorded as the push named `result` before the session finishes.
    associatedtype Output: Codable & Sendable

    /// The patches this code has: names of changes made while runs were in flight. A run records
    /// the patches of the code that started it, and ``WorkflowContext/patched(_:)`` answers from
    /// that record, so old runs keep their old path through a deploy. Only ever add to the list.
    var patches: [String] { get }

    /// The workflow's code. It must be deterministic apart from its context's calls.
    func run(_ context: WorkflowContext, _ input: Input) async throws -> Output
}

extension Workflow {
    /// No patches.
    public var patches: [String] { [] }
}

/// Runs a ``Workflow`` as a session's handler, in process.
///
/// Each invocation replays the run against the log and continues it live, journaling each step
/// as it completes. Outcomes: the run finishes (outputs `result` and a `finish`); it waits for a
/// timer (a `sleep` until the recorded time) or a signal (a `pause`); or it fails — a failed step
/// it did not catch, or a ``NondeterminismError`` — which the runtime records as an `error` entry.
public struct WorkflowHandler<W: Workflow>: Handler {
    /// The workflow.
    public let workflow: W
    /// The clock for `now()`, sleeps and record times.
    public let clock: any WallClock

    /// Creates a handler for `workflow`.
    public init(_ workflow: W, clock: any WallClock = SystemWallClock()) {
        self.workflow = workflow
        self.clock = clock
    }

    /// The pause reason of a workflow waiting for `signal`, naming how to send it from the CLI
    /// and over HTTP (an agent's `message` signal is the next user message).
    static func waitingReason(signal name: String) -> String {
        if name == "message" {
            return "waiting for signal 'message': the next user message (cairn agent send, or POST /v1/sessions/ID/messages)"
        }
        return "waiting for signal '\(name)': push an entry named '\(name)' (cairn push --name \(name), or POST /v1/sessions/ID/entries)"
    }

    public func invoke(_ invocation: Invocation) async throws -> [HandlerOutput] {
        guard let journal = invocation.journal, let store = invocation.blobs as? any Store else {
            throw HandlerFailure(ErrorReport(message: "workflows need a runtime journal and a store", kind: "handler", snapshot: invocation.snapshot))
        }
        guard let inputEntry = Self.inputEntry(in: invocation.entries) else {
            return [.pause("waiting for the workflow's input: push an entry named 'input' (cairn push --name input, or POST /v1/sessions/ID/entries)")]
        }
        let input: W.Input
        do {
            input = try StepJSON.decode(W.Input.self, from: try await store.body(of: inputEntry))
        } catch {
            throw HandlerFailure(ErrorReport(message: Self.inputFailure(inputEntry, error), kind: "workflow-failed", snapshot: invocation.snapshot))
        }
        let history = WorkflowHistory(entries: invocation.entries, blobs: store)
        do {
            let patches = try await Self.patches(of: workflow, history: history, journal: journal, store: store, clock: clock)
            let context = WorkflowContext(journal: journal, history: history, clock: clock, store: store, patches: patches)
            let output = try await workflow.run(context, input)
            try Self.checkNothingSkipped(history)
            let result = HandlerOutput(header: ObjectHeader(contentType: ContentTypes.json, name: "result"), body: .data(try StepJSON.encode(output)))
            return [result, .finish("workflow completed")]
        } catch let suspension as WorkflowSuspension {
            switch suspension {
            case .sleep(let until, let reason):
                return [
                    HandlerOutput(
                        header: ObjectHeader(contentType: ContentTypes.pause, metadata: [MetadataKeys.until: Timestamps.format(until)]),
                        body: .data(Data((reason.isEmpty ? "workflow timer" : reason).utf8)))
                ]
            case .signal(let name):
                return [.pause(Self.waitingReason(signal: name))]
            }
        } catch let error as NondeterminismError {
            throw HandlerFailure(ErrorReport(message: error.description, kind: "nondeterminism", snapshot: invocation.snapshot))
        } catch let error as InvocationRestart {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as CairnError where error.isInfrastructure {
            // The store failed while journaling: not the workflow's failure; the runtime reports it.
            throw error
        } catch {
            throw HandlerFailure(ErrorReport(message: Self.failure(error), kind: "workflow-failed", snapshot: invocation.snapshot))
        }
    }

    /// The message of a run that failed with `error` (an `error` entry of kind `workflow-failed`).
    static func failure(_ error: any Error) -> String { "workflow failed: \(error)" }

    /// The message of an input that does not decode.
    static func inputFailure(_ entry: Entry, _ error: any Error) -> String {
        "the workflow input (entry #\(entry.seq)) does not decode as \(W.Input.self): \(error)"
    }

    /// After `run` returned: a recorded position it never asked for is a nondeterminism.
    static func checkNothingSkipped(_ history: WorkflowHistory) throws {
        if let (position, entry) = history.firstUnconsumed() {
            throw NondeterminismError(position: position, recorded: "\(entry.header.metadata["kind"] ?? "step") '\(entry.header.name)'", asked: nil)
        }
    }

    /// The position of the run's patch record.
    static var patchesPosition: String { "patches" }

    /// The patches recorded for this run; a new run records the workflow's current ones first.
    /// Replay only (`replayOnly`), a new run stops with ``ReplayStop`` instead of recording them.
    static func patches(
        of workflow: W, history: WorkflowHistory, journal: Journal, store: any Store, clock: any WallClock,
        replayOnly: Bool = false
    ) async throws -> Set<String> {
        if history.entry(at: patchesPosition) != nil {
            guard let record = try await history.consume(patchesPosition), let patches = try? StepJSON.decode([String].self, from: record.body) else {
                throw NondeterminismError(position: patchesPosition, recorded: "a malformed patches record", asked: "the run's patches")
            }
            return Set(patches)
        }
        // Runs that recorded steps before patches existed have none; a new run records its own.
        guard history.isEmpty else { return [] }
        if replayOnly { throw history.stop(ReplayStop(position: patchesPosition, asked: "the run's patches", recorded: false)) }
        let body = try StepJSON.encode(workflow.patches.sorted())
        let record = StepRecord(position: patchesPosition, name: "patches", kind: .version, succeeded: true, attempts: 1, durationMilliseconds: 0, body: body)
        let draft = EntryDraft(event: .step, header: record.header, digest: try await store.put(body), size: body.count, time: clock.now(), source: "workflow")
        _ = try await journal.record(draft)
        if await journal.logMoved { throw InvocationRestart(reason: "entries arrived while the run started") }
        return Set(workflow.patches)
    }

    /// The input: the push named `input`, else the first unnamed push from outside.
    static func inputEntry(in entries: [Entry]) -> Entry? {
        let pushes = entries.filter { $0.event == .push && WorkflowHistory.isFromOutside($0) }
        return pushes.first { $0.header.name == "input" } ?? pushes.first { $0.header.name.isEmpty }
    }
}
