import Foundation

/// How a step retries a failed attempt.
public struct RetryPolicy: Sendable {
    /// The pause before each retry; its count is the number of retries.
    public var backoff: [Duration]
    /// A fraction (0...1) by which each pause is randomly lengthened or shortened.
    public var jitter: Double
    /// Which errors are worth retrying.
    public var retryIf: @Sendable (any Error) -> Bool

    /// Creates a policy.
    public init(backoff: [Duration], jitter: Double = 0.2, retryIf: @escaping @Sendable (any Error) -> Bool = { _ in true }) {
        self.backoff = backoff
        self.jitter = min(max(jitter, 0), 1)
        self.retryIf = retryIf
    }

    /// One attempt, no retries.
    public static let none = RetryPolicy(backoff: [])

    /// `retries` retries with exponential backoff starting at `initial`, doubling, capped at `maximum`.
    public static func exponential(retries: Int, initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30), jitter: Double = 0.2) -> RetryPolicy
    {
        var pauses: [Duration] = []
        var next = initial
        for _ in 0..<max(0, retries) {
            pauses.append(min(next, maximum))
            next = next * 2
        }
        return RetryPolicy(backoff: pauses, jitter: jitter)
    }

    /// The pause before retry `index` (0-based), jittered.
    func pause(before index: Int) -> Duration {
        guard index < backoff.count else { return .zero }
        let factor = 1 + Double.random(in: -jitter...jitter)
        return backoff[index] * factor
    }
}

/// Runs one attempt of a step body, with an optional timeout that cancels it.
enum Attempt {
    static func run<T: Sendable>(timeout: Duration?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let timeout else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw StepTimedOut(timeout: timeout) }
            guard let value = first else { throw StepTimedOut(timeout: timeout) }
            return value
        }
    }

    /// Runs attempts until one succeeds, the policy gives up, or the error is not retryable.
    /// Returns the outcome and the number of attempts.
    static func withRetries<T: Sendable>(_ policy: RetryPolicy, timeout: Duration?, _ body: @escaping @Sendable () async throws -> T) async throws -> (
        Result<T, any Error>, Int
    ) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return (.success(try await run(timeout: timeout, body)), attempt)
            } catch {
                if Task.isCancelled { throw CancellationError() }
                guard attempt <= policy.backoff.count, policy.retryIf(error) else { return (.failure(error), attempt) }
                try await Task.sleep(for: policy.pause(before: attempt - 1))
            }
        }
    }
}
