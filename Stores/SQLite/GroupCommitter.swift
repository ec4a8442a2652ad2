import CairnCore
import Foundation

/// The single writer of a ``SQLiteStore``: a thread that takes every write waiting for it and
/// commits them together in one transaction (group commit). Each write runs under its own
/// savepoint, so one write's failure (a compare-and-swap conflict, say) undoes only that write.
final class GroupCommitter: @unchecked Sendable {
    // @unchecked: `queue` is guarded by `condition`; `connection` is used only by the writer thread.
    private struct Job {
        let execute: (SQLiteConnection) throws -> Void
        let resolve: ((any Error)?) -> Void
    }

    private final class Box<T>: @unchecked Sendable {
        var value: T?
    }

    private let connection: SQLiteConnection
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var stopping = false

    /// Starts the writer thread; it keeps the committer alive until ``stop()``.
    init(connection: SQLiteConnection) {
        self.connection = connection
        let thread = Thread { self.loop() }
        thread.name = "cairn.sqlite-writer"
        thread.start()
    }

    /// Runs `work` inside the next group transaction and returns its result once that transaction commits.
    func submit<T: Sendable>(_ work: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let box = Box<T>()
            let job = Job(
                execute: { box.value = try work($0) },
                resolve: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let value = box.value {
                        continuation.resume(returning: value)
                    } else {
                        continuation.resume(throwing: CairnError.storage("a write finished without a result"))
                    }
                })
            condition.lock()
            queue.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// Lets the writer thread finish the writes already submitted, then exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            let jobs = queue
            queue = []
            let done = stopping && jobs.isEmpty
            condition.unlock()
            if done { return }
            commit(jobs)
        }
    }

    private func commit(_ jobs: [Job]) {
        var outcomes: [(any Error)?] = []
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for job in jobs {
                try connection.execute("SAVEPOINT job")
                do {
                    try job.execute(connection)
                    try connection.execute("RELEASE job")
                    outcomes.append(nil)
                } catch let error as CairnError where !error.isStorageFailure {
                    try connection.execute("ROLLBACK TO job")
                    try connection.execute("RELEASE job")
                    outcomes.append(error)
                }
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            jobs.forEach { $0.resolve(error) }
            return
        }
        zip(jobs, outcomes).forEach { $0.resolve($1) }
    }
}

extension CairnError {
    /// Whether the error means the database failed (so the whole group must roll back), as
    /// opposed to one write being refused (a conflict, a missing session).
    var isStorageFailure: Bool {
        if case .storage = self { return true }
        return false
    }
}
