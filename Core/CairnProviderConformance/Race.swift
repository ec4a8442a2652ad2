import Synchronization

/// Tasks racing to settle one result: the first ``settle(_:)`` wins, and every task spawned in
/// the race is cancelled then. The kit uses it for its deadlines, so that a provider which
/// ignores cancellation fails a check instead of hanging it (its task is left behind, cancelled).
final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var result: Result<Value, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` in a task of the race, cancelled when the race is settled.
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        let task = Task { await body() }
        let settled = state.withLock { state in
            state.tasks.append(task)
            return state.result != nil
        }
        if settled { task.cancel() }
    }

    /// Settles the race with `result`, unless it is settled already.
    func settle(_ result: Result<Value, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Value, any Error>?, [Task<Void, Never>]) in
            guard state.result == nil else { return (nil, []) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }

    /// Waits for the race to be settled and returns or throws its result. Cancelling the waiting
    /// task settles the race with `CancellationError`.
    func value() async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled = state.withLock { state -> Result<Value, any Error>? in
                    if state.result == nil { state.continuation = continuation }
                    return state.result
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            settle(.failure(CancellationError()))
        }
    }

    /// `body`'s result, or `failure` if it takes longer than `limit`.
    static func within(
        _ limit: Duration, or failure: @escaping @Sendable () -> any Error,
        _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let race = Race()
        race.spawn {
            do { race.settle(.success(try await body())) } catch { race.settle(.failure(error)) }
        }
        race.spawn {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            race.settle(.failure(failure()))
        }
        return try await race.value()
    }
}
