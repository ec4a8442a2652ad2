import Foundation
public import Logging

/// Drives sessions: invokes the handler for each session with a new event and appends what it
/// decides, until the session pauses, sleeps, finishes or fails.
///
/// Guarantees:
/// - The outputs of one invocation for its own session are appended in one compare-and-swap
///   batch on the log version the handler saw (or, when it journaled steps meanwhile, right after
///   its last record). If the log moved meanwhile (a push, another
///   runtime), the outputs are discarded and the handler is invoked again on the newer log, so two
///   runtimes never both append for the same event.
/// - A failed invocation appends exactly one `error` entry and nothing else.
/// - Sleeps are durable: ``wakeDueTimers(in:)`` appends the `wake` for every due timer of the
///   selected sessions, including timers set before a restart.
public struct Runtime: Sendable {
    /// The store the sessions live in.
    public let store: any Store
    /// The handler invoked for every session.
    public let handler: any Handler
    /// The clock for timestamps and timers.
    public let clock: any WallClock
    /// Settings.
    public let options: RuntimeOptions
    /// Fetchers for `uri` outputs.
    public let fetchers: [any ObjectFetcher]
    private let logger: Logger

    /// Creates a runtime.
    public init(
        store: any Store, handler: any Handler, clock: any WallClock = SystemWallClock(),
        options: RuntimeOptions = RuntimeOptions(), fetchers: [any ObjectFetcher] = [FileObjectFetcher()],
        logger: Logger = Logger(label: "cairn.runtime")
    ) {
        self.store = store
        self.handler = handler
        self.clock = clock
        self.options = options
        self.fetchers = fetchers
        self.logger = logger
    }

    private var log: SessionLog { SessionLog(store: store) }
    private var sessions: Sessions { Sessions(store: store, clock: clock) }

    /// Whether a session whose last entry is `last` waits for its handler.
    public static func isPending(_ last: Entry?) -> Bool {
        guard let last else { return true }
        switch last.event {
        case .pause, .sleep, .finish, .error: return false
        default: return true
        }
    }

    /// Invokes the handler for `id` until the session is no longer pending.
    /// - Throws: store errors and `CancellationError`; handler failures are recorded, not thrown.
    public func drive(_ id: SessionID) async throws -> DriveReport {
        var report = DriveReport(session: id, status: .pending, invocations: 0, spawned: [], touched: [])
        while true {
            switch try await advance(id, invocations: report.invocations) {
            case .settled(let status):
                report.status = status
                return report
            case .stepped(let invoked, let spawned, let touched):
                if invoked { report.invocations += 1 }
                report.spawned += spawned
                report.touched += touched.filter { !report.touched.contains($0) }
            }
        }
    }

    /// One step of ``drive(_:)``: if the session is pending, invokes the handler once and appends
    /// what it decided (or records the failure). A scheduler that shares its workers between many
    /// sessions calls this once per turn, so no session holds a worker for a whole drive.
    /// - Parameter invocations: how many times this session was invoked since it was last not
    ///   pending; at ``RuntimeOptions/maxInvocations`` a `runaway` error is recorded instead.
    /// - Throws: store errors and `CancellationError`; handler failures are recorded, not thrown.
    public func advance(_ id: SessionID, invocations: Int) async throws -> Advance {
        try Task.checkCancellation()
        let head = try await log.head(of: id)
        guard Runtime.isPending(head.last) else {
            return .settled(try await SessionLog.status(of: head, blobs: store))
        }
        if invocations >= options.maxInvocations {
            let message =
                "runaway handler: invoked \(invocations) times in one run without pausing; "
                + "make it pause or sleep, or raise the limit (--max-invocations)"
            logger.warning("\(message)", metadata: ["session": "\(id)"])
            try await recordFailure(ErrorReport(message: message, kind: "runaway", snapshot: head.length), session: id, snapshot: head.length)
            return .stepped(invoked: false, spawned: [], touched: [])
        }
        let entries = try await log.entries(of: id)
        // The log may have moved on (another runtime answered) between the head and this read.
        guard Runtime.isPending(entries.last) else { return .stepped(invoked: false, spawned: [], touched: []) }
        let journal = Journal(store: store, session: id, length: entries.count)
        let invocation = Invocation(session: head.info, entries: entries, blobs: store, journal: journal)
        var report = DriveReport(session: id, status: .pending, invocations: 1, spawned: [], touched: [])
        do {
            let outputs = try await handler.invoke(invocation)
            try Task.checkCancellation()
            let plan = try await OutputPlan.prepare(
                outputs, for: id, snapshot: entries.count, store: store, fetchers: fetchers, now: clock.now())
            try await commit(plan, session: id, snapshot: await journal.length, into: &report)
        } catch let failure as HandlerFailure {
            logger.info("invocation failed", metadata: ["session": "\(id)", "error": "\(failure.report.message)"])
            try await recordFailure(failure.report, session: id, snapshot: await journal.length)
        } catch let restart as InvocationRestart {
            logger.debug("invoking again", metadata: ["session": "\(id)", "reason": "\(restart.reason)"])
        } catch let error as CancellationError {
            throw error
        } catch let error as CairnError where error.isInfrastructure {
            // The store failed (here or in the handler's journal): not the handler's fault; the caller retries.
            throw error
        } catch {
            let failure = ErrorReport(message: "handler error: \(error)", kind: "handler", snapshot: entries.count)
            try await recordFailure(failure, session: id, snapshot: await journal.length)
        }
        return .stepped(invoked: true, spawned: report.spawned, touched: report.touched)
    }

    private func commit(_ plan: OutputPlan, session id: SessionID, snapshot: Int, into report: inout DriveReport) async throws {
        var main = plan.main
        if main.isEmpty {
            let wroteElsewhere = !plan.forks.isEmpty || !plan.crossSession.isEmpty
            let reason = wroteElsewhere ? "the handler wrote only to other sessions" : "the handler wrote nothing"
            main = [try await ControlRecord.draft(.pause, ["reason": .string(reason)], time: clock.now(), source: options.source, in: store)]
        }
        let committed: [Entry]
        do {
            committed = try await store.append(main, to: id, expectedLength: snapshot)
        } catch CairnError.conflict(_, _, let actual) {
            logger.debug("log moved during invocation; invoking again", metadata: ["session": "\(id)", "snapshot": "\(snapshot)", "actual": "\(actual)"])
            return
        }
        let length = (committed.last?.seq ?? snapshot - 1) + 1
        for var draft in plan.forks {
            draft.time = Timestamps.truncatedToMilliseconds(clock.now())
            let child = try await sessions.fork(id, at: length, source: options.source, followedBy: [draft])
            report.spawned.append(child.id)
        }
        for (target, draft) in plan.crossSession {
            var delivered = draft
            delivered.header.metadata["cairn.from"] = "\(id)"
            delivered.time = Timestamps.truncatedToMilliseconds(clock.now())
            do {
                _ = try await sessions.appendUnconditionally([delivered], to: target)
            } catch CairnError.invalidArgument(let why) {
                // The target finished after the outputs were checked: its log stays final.
                logger.warning("cross-session output dropped", metadata: ["session": "\(id)", "target": "\(target)", "reason": "\(why)"])
                continue
            }
            if !report.touched.contains(target) { report.touched.append(target) }
        }
    }

    private func recordFailure(_ failure: ErrorReport, session id: SessionID, snapshot: Int) async throws {
        let body = failure.encoded()
        let draft = EntryDraft(
            event: .error, header: ObjectHeader(contentType: ContentTypes.error),
            digest: try await store.put(body), size: body.count, time: clock.now(), source: options.source)
        do {
            _ = try await store.append([draft], to: id, expectedLength: snapshot)
        } catch CairnError.conflict {
            logger.debug("log moved before the failure was recorded; invoking again", metadata: ["session": "\(id)"])
        }
    }

    /// Appends a `wake` to every selected session whose sleep is due; returns the sessions woken.
    /// A timer that is stale (the session moved on) is skipped.
    /// - Throws: store errors.
    @discardableResult
    public func wakeDueTimers(in selection: SessionSelection = .all) async throws -> [SessionID] {
        let now = clock.now()
        var woken: [SessionID] = []
        for timer in try await store.dueTimers(at: now) {
            if case .sessions(let ids) = selection, !ids.contains(timer.session) { continue }
            let head: SessionHead
            do {
                head = try await log.head(of: timer.session)
            } catch let error as CairnError where error.isInfrastructure {
                logger.error("cannot read a sleeping session; skipping its timer", metadata: ["session": "\(timer.session)", "error": "\(error)"])
                continue
            }
            guard let last = head.last, last.event == .sleep, let due = last.wakeTime, due <= now else { continue }
            let wake = try await ControlRecord.draft(
                .wake, ["reason": .string("timer")], metadata: ["reason": "timer"], time: now, source: options.source, in: store)
            do {
                _ = try await store.append([wake], to: timer.session, expectedLength: head.length)
                woken.append(timer.session)
            } catch CairnError.conflict {
                continue
            }
        }
        return woken
    }

    /// Wakes due timers, then drives every selected session (and the children they fork) until
    /// none is pending. Returns one report per session driven.
    /// - Throws: store errors and `CancellationError`.
    public func runOnce(_ selection: SessionSelection) async throws -> [DriveReport] {
        try await wakeDueTimers(in: selection)
        var reports: [DriveReport] = []
        var queue = try await initialQueue(selection)
        var seen = Set<SessionID>()
        while !queue.isEmpty {
            let id = queue.removeFirst()
            let report = try await drive(id)
            reports.append(report)
            seen.insert(id)
            queue += report.spawned
            if case .all = selection { queue += report.touched.filter { !queue.contains($0) } }
            if queue.isEmpty, case .all = selection {
                queue = try await pendingSessions(in: .all).filter { !seen.contains($0) }
            }
        }
        return reports
    }

    /// Drives the selected sessions until the task is cancelled: reacts to new pushes, wakes and
    /// due timers, polling every ``RuntimeOptions/pollInterval``. Store errors are logged and
    /// retried on the next pass; an error in one session does not hold up the others.
    public func run(_ selection: SessionSelection) async throws {
        var selected = selection
        while !Task.isCancelled {
            do {
                try await wakeDueTimers(in: selected)
                for id in try await pendingSessions(in: selected) {
                    do {
                        let report = try await drive(id)
                        if case .sessions(let ids) = selected, !report.spawned.isEmpty {
                            selected = .sessions(ids + report.spawned)
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("driving a session failed; retrying on the next pass", metadata: ["session": "\(id)", "error": "\(error)"])
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("runtime pass failed; retrying", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: options.pollInterval) } catch { return }
        }
    }

    private func initialQueue(_ selection: SessionSelection) async throws -> [SessionID] {
        switch selection {
        case .all: try await pendingSessions(in: .all)
        case .sessions(let ids): ids
        }
    }

    /// The selected sessions that wait for their handler (``SessionSelection/all`` leaves out
    /// system logs, which are never invoked).
    public func pendingSessions(in selection: SessionSelection) async throws -> [SessionID] {
        let ids: [SessionID]
        switch selection {
        case .all: ids = try await store.listSessions().filter { !$0.isSystem }.map(\.id)
        case .sessions(let list): ids = list
        }
        var pending: [SessionID] = []
        for id in ids {
            do {
                if Runtime.isPending(try await log.head(of: id).last) { pending.append(id) }
            } catch let error as CairnError where error.isInfrastructure {
                // One unreadable session must not hide the others; it is reported and skipped.
                logger.error("cannot read a session's head; skipping it", metadata: ["session": "\(id)", "error": "\(error)"])
            }
        }
        return pending
    }
}
