import CairnCore
import Synchronization

/// The cancellation scenario: a task collecting an answer is cancelled mid-answer, first from
/// outside (as when an agent run is cancelled), then by itself (deterministic, however fast the
/// provider streams); then the provider must still answer.
enum CancellationCheck {
    static func run(_ check: Check) async throws {
        let request = check.newRequest()
        try await cancelledFromOutside(check, request)
        try await cancelledFromInside(check, request)
        let next = try await check.answer(request, "the answer to the request after the cancelled ones")
        try check.requireText(next, Fixtures.afterCancellation, "the answer to the request after the cancelled ones")
    }

    /// Cancels the collecting task when its first text delta arrives. If the whole answer was
    /// in already (an in-memory provider), a complete turn is fine; a partial one is a fake success.
    static func cancelledFromOutside(_ check: Check, _ request: ModelRequest) async throws {
        let what = "a task cancelled from outside"
        let stream = check.provider.stream(request)
        let (firstDelta, signal) = AsyncStream<Void>.makeStream()
        let consumer = Task { () -> Result<ModelTurn, any Error> in
            defer { signal.finish() }
            do {
                return .success(try await ModelTurn.collect(stream, onText: { _ in signal.yield() }))
            } catch {
                return .failure(error)
            }
        }
        var deltas = firstDelta.makeAsyncIterator()
        let delta = await withTaskCancellationHandler {
            await deltas.next() != nil
        } onCancel: {
            consumer.cancel()
        }
        guard delta else {
            throw check.failure("\(what): the answer ended before its first text delta, so nothing could be cancelled")
        }
        consumer.cancel()
        let promptness = check.promptness
        let result = try await Race.within(
            promptness,
            or: {
                check.failure("\(what): the stream went on for more than \(promptness) after the task was cancelled")
            }
        ) { await consumer.value }
        switch result {
        case .success(let turn) where turn.message.text == Fixtures.longText:
            return
        case .success(let turn):
            throw check.failure(
                "\(what): ModelTurn.collect returned a turn of \(turn.message.text.count) of the answer's "
                    + "\(Fixtures.longText.count) characters, expected CancellationError")
        case .failure(let error):
            try check.require(error is CancellationError, "\(what): ModelTurn.collect threw \(Reader.describe(error)), expected CancellationError")
        }
    }

    /// Cancels the collecting task from its `onText` at the first delta: `collect` must throw
    /// `CancellationError`, whatever the provider had buffered, within the promptness.
    static func cancelledFromInside(_ check: Check, _ request: ModelRequest) async throws {
        let what = "a task cancelled by itself"
        let cancelledAt = Moment()
        async let outcome = collectCancellingItself(check.provider.stream(request), at: cancelledAt)
        let result = await outcome
        guard let at = cancelledAt.instant else {
            throw check.failure("\(what): the answer ended before its first text delta, so nothing could be cancelled")
        }
        let lag = ContinuousClock.now - at
        try check.require(lag <= check.promptness, "\(what): the stream went on for \(lag) after the task was cancelled, more than \(check.promptness)")
        switch result {
        case .success(let turn):
            throw check.failure(
                "\(what): ModelTurn.collect returned a turn (\(turn.message.text.count) characters, stop "
                    + "\(turn.stop.rawValue)) from a cancelled task, expected CancellationError")
        case .failure(let error):
            try check.require(error is CancellationError, "\(what): ModelTurn.collect threw \(Reader.describe(error)), expected CancellationError")
        }
    }

    /// Collects `stream`, cancelling the current task at the first text delta (noted in `at`).
    private static func collectCancellingItself(
        _ stream: AsyncThrowingStream<ModelEvent, any Error>,
        at moment: Moment
    ) async -> Result<ModelTurn, any Error> {
        do {
            return .success(
                try await ModelTurn.collect(
                    stream,
                    onText: { _ in
                        if moment.mark() { withUnsafeCurrentTask { $0?.cancel() } }
                    }))
        } catch {
            return .failure(error)
        }
    }
}

/// The first time something happened.
final class Moment: Sendable {
    private let value = Mutex<ContinuousClock.Instant?>(nil)

    /// When it happened, if it did.
    var instant: ContinuousClock.Instant? { value.withLock { $0 } }

    /// Notes now, the first time; whether this was the first time.
    func mark() -> Bool {
        value.withLock { instant in
            guard instant == nil else { return false }
            instant = .now
            return true
        }
    }
}
