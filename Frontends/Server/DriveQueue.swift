import CairnCore
import Synchronization

/// The driver's run queue: sessions wait in arrival order and each turn takes one step of one
/// session, then the session goes to the back if it still has work — round-robin, so a busy
/// session cannot starve the others. A session is never driven by two workers at once: a signal
/// for a session being driven marks it to be queued again when its turn ends.
final class DriveQueue: Sendable {
    private struct State {
        var ready: [SessionID] = []
        var head = 0
        var queued: Set<SessionID> = []
        var running: Set<SessionID> = []
        var again: Set<SessionID> = []
        var streaks: [SessionID: Int] = [:]
        var waiters: [(id: Int, continuation: CheckedContinuation<SessionID?, Never>)] = []
        var nextWaiter = 0
        var closed = false

        var depth: Int { ready.count - head }

        mutating func pop() -> SessionID {
            let id = ready[head]
            head += 1
            if head > 64, head * 2 > ready.count {
                ready.removeFirst(head)
                head = 0
            }
            queued.remove(id)
            running.insert(id)
            return id
        }
    }

    private let state = Mutex(State())

    /// Sessions waiting for a turn.
    var depth: Int { state.withLock { $0.depth } }
    /// Sessions being driven.
    var running: Int { state.withLock { $0.running.count } }
    /// Whether ``close()`` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Queues `id` unless it is queued already; if it is being driven, queues it again after its turn.
    func enqueue(_ id: SessionID) {
        let handoff = state.withLock { state -> (CheckedContinuation<SessionID?, Never>, SessionID)? in
            guard !state.closed else { return nil }
            if state.running.contains(id) {
                state.again.insert(id)
                return nil
            }
            guard !state.queued.contains(id) else { return nil }
            state.ready.append(id)
            state.queued.insert(id)
            guard !state.waiters.isEmpty else { return nil }
            let waiter = state.waiters.removeFirst()
            return (waiter.continuation, state.pop())
        }
        if let (continuation, session) = handoff { continuation.resume(returning: session) }
    }

    /// The next session to drive, waiting for one; nil once the queue is closed (or the task cancelled).
    func next() async -> SessionID? {
        let ticket = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<SessionID?, Never>) in
                let immediate = state.withLock { state -> SessionID?? in
                    if state.closed || Task.isCancelled { return .some(nil) }
                    if state.depth > 0 { return .some(state.pop()) }
                    state.waiters.append((ticket, continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<SessionID?, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == ticket }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// How many steps in a row `id` has taken without settling.
    func streak(_ id: SessionID) -> Int {
        state.withLock { $0.streaks[id] ?? 0 }
    }

    /// Ends `id`'s turn. With `pending`, it goes to the back of the queue (its streak counted if
    /// `invoked`); otherwise its streak is reset and it is queued again only if signalled meanwhile.
    func finish(_ id: SessionID, pending: Bool, invoked: Bool) {
        let requeue = state.withLock { state -> Bool in
            state.running.remove(id)
            if pending {
                if invoked { state.streaks[id, default: 0] += 1 }
            } else {
                state.streaks[id] = nil
            }
            return state.again.remove(id) != nil || pending
        }
        if requeue { enqueue(id) }
    }

    /// Stops handing out sessions: every waiting and later ``next()`` returns nil.
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<SessionID?, Never>] in
            state.closed = true
            defer { state.waiters = [] }
            return state.waiters.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
