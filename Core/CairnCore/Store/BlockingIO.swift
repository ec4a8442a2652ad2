import Dispatch

/// Runs blocking work (file and database I/O) off Swift's cooperative threads, which must never
/// block. Stores call it around every synchronous system call that may wait.
public enum BlockingIO {
    private static let queue = DispatchQueue(label: "cairn.blocking-io", attributes: .concurrent)

    /// Runs `work` on a thread where blocking is fine and returns its result.
    /// - Throws: whatever `work` throws.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
