import CairnCore
import Synchronization

/// Tells waiting readers that sessions changed, so streams and the driver react to an append at
/// once instead of at their next poll. It carries no entries: readers always read the store by
/// sequence number, which is what makes delivery exactly-once and gap-free; a signal only says
/// "read now". Appends by other processes are not signalled here and are found by polling.
final class ChangeFeed: Sendable {
    private let subscriptions = Mutex<[ObjectIdentifier: Subscription]>([:])

    /// Signals every subscription interested in `session`.
    func signal(_ session: SessionID) {
        for subscription in subscriptions.withLock({ Array($0.values) }) where subscription.filter.map({ $0 == session }) ?? true {
            subscription.mark(session)
        }
    }

    /// How many subscriptions are open.
    var count: Int { subscriptions.withLock { $0.count } }

    /// A subscription to one session (or, with nil, to all).
    func subscribe(_ filter: SessionID?) -> Subscription {
        let subscription = Subscription(filter: filter)
        subscriptions.withLock { $0[ObjectIdentifier(subscription)] = subscription }
        return subscription
    }

    /// Ends a subscription.
    func unsubscribe(_ subscription: Subscription) {
        _ = subscriptions.withLock { $0.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    /// The sessions signalled since the last ``wait(timeout:)``, and one waiter.
    final class Subscription: Sendable {
        struct State {
            var changed: Set<SessionID> = []
            var waiter: CheckedContinuation<Void, Never>?
            var abandoned = false
        }

        let filter: SessionID?
        private let state = Mutex(State())

        init(filter: SessionID?) {
            self.filter = filter
        }

        func mark(_ session: SessionID) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.changed.insert(session)
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        /// Waits until a session is signalled or `timeout` passes; returns (and forgets) the
        /// sessions signalled meanwhile — empty after a timeout. One waiter at a time.
        func wait(timeout: Duration) async -> Set<SessionID> {
            if state.withLock({ !$0.changed.isEmpty }) { return take() }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.suspend() }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
            return take()
        }

        private func take() -> Set<SessionID> {
            state.withLock { state in
                defer { state.changed = [] }
                return state.changed
            }
        }

        private func suspend() async {
            state.withLock { $0.abandoned = false }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.changed.isEmpty || state.abandoned { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    state.abandoned = true
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}
